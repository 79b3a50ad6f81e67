using MechNN.Layers;
using MechNN.Experiments.Sine;
using MechNN.Ode;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Tests.Layers;

public class MechanisticLayerTests(Xunit.Abstractions.ITestOutputHelper output)
{
    /// <summary>Reference fit/sine: T = 500 on [0, 50], one fixed noisy target, MNN defaults, Adam 1e-2.</summary>
    [Fact]
    public void FittingTheDampedNoisySineReducesTheLossTenfoldIn200AdamSteps()
    {
        var data = new DampedNoisySine(points: 500, seed: 7);
        var model = new MnnSineModel(500, step: 0.1, CPU, ScalarType.Float64, seed: 7);
        var target = data.Sample();
        var result = SineFitTrainer.Train(model, Enumerable.Repeat(target, 201).ToList(), data.Clean);
        output.WriteLine($"sine fit, 200 Adam steps: MSE {result.FirstLoss:F4} -> {result.FinalNoisyMse:F4} ({result.FirstLoss / result.FinalNoisyMse:F1}x); vs clean signal {result.FinalCleanMse:F4}");
        Assert.True(result.FinalNoisyMse * 10 <= result.FirstLoss, $"MSE {result.FirstLoss:F4} → {result.FinalNoisyMse:F4}: less than a 10× reduction");
        // Noise floor: mean of (0.5·N·e^(−0.1t))² ≈ 0.025; a fit far below it would be memorising noise.
        Assert.True(result.FinalNoisyMse > 0.005, $"MSE {result.FinalNoisyMse:F4} is far below the noise floor");
    }

    [Fact]
    public void Float32NetworksGetFloat32OutputsAndGradients()
    {
        var model = new MnnSineModel(60, step: 0.1, CPU, ScalarType.Float32, seed: 3);
        var prediction = model.Predict();
        Assert.Equal(ScalarType.Float32, prediction.dtype);
        prediction.square().sum().backward();
        foreach (var p in model.Parameters())
        {
            Assert.Equal(ScalarType.Float32, p.grad!.dtype);
            Assert.True(p.grad!.isfinite().all().item<bool>());
            Assert.True(p.grad!.abs().sum().item<float>() > 0);
        }
    }

    [Fact]
    public void IndependentModeMatchesTheCoupledSolveOfTheSameScalarOdes()
    {
        var spec = new OdeSpec(2) { InitialSteps = 1, InitialOrders = 2 };
        var g = manual_seed(5);
        var c = rand(new long[] { 4, 20, 3 }, dtype: ScalarType.Float64, generator: g) + 0.5;
        var b = randn(new long[] { 4, 20 }, dtype: ScalarType.Float64, generator: g);
        var iv = randn(new long[] { 4, 1, 2 }, dtype: ScalarType.Float64, generator: g);
        var h = full(4, 19, 0.05, dtype: ScalarType.Float64);
        var independent = new MechanisticLayer(spec, LayerMode.Independent).forward(c, b, iv, h);
        var coupled = new MechanisticLayer(spec).forward(c.unsqueeze(-2).unsqueeze(-2), b.unsqueeze(-1), iv.unsqueeze(-2), h);
        Assert.Equal(new long[] { 4, 20, 3 }, independent.U.shape);
        Assert.True((independent.U - coupled.U.squeeze(-2)).abs().max().item<double>() < 1e-14);
    }

    [Fact]
    public void LearnableStepsStartAtTheInitialValueAndRespectTheMinimum()
    {
        var steps = new LearnableSteps(new long[] { 3 }, initial: 0.01, minimum: 1e-3, dtype: ScalarType.Float64);
        Assert.True((steps.Value() - 0.01).abs().max().item<double>() < 1e-15);
        using (no_grad()) steps.parameters().Single().fill_(-50);
        Assert.Equal(1e-3, steps.Value().min().item<double>(), 15);
    }
}

using MechNN.Layers;
using MechNN.Ode;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Tests.Layers;

public class MechanisticLayerTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void FittingTheDampedNoisySineReducesTheLossTenfoldIn200AdamSteps()
    {
        var fit = new SineFit(points: 500, ScalarType.Float64, seed: 7);
        var (first, last) = fit.Train(200);
        output.WriteLine($"sine fit, 200 Adam steps: loss {first:F3} -> {last:F3} ({first / last:F1}x)");
        Assert.True(last * 10 <= first, $"loss {first:F2} → {last:F2}: less than a 10× reduction");
        // Noise floor: Σ(0.5·N·e^(−0.1t))² ≈ 0.25·Σe^(−0.2t) ≈ 12; a fit cannot (and should not) go far below it.
        Assert.True(last > 1, $"loss {last:F3} is below the noise floor: the fit memorised nothing real?");
    }

    [Fact]
    public void Float32NetworksGetFloat32OutputsAndGradients()
    {
        var fit = new SineFit(points: 60, ScalarType.Float32, seed: 3);
        var loss = fit.Loss();
        Assert.Equal(ScalarType.Float32, loss.dtype);
        loss.backward();
        Assert.Equal(ScalarType.Float32, fit.Coefficients.grad!.dtype);
        Assert.True(fit.Coefficients.grad!.abs().sum().item<float>() > 0);
        Assert.True(fit.Steps.parameters().Single().grad!.isfinite().all().item<bool>());
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

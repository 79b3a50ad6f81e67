using MechNN.Experiments.F16;
using static TorchSharp.torch;

namespace MechNN.Tests.Experiments;

/// <summary>The time-varying-coefficient MNN of the F-16 task on tiny instances.</summary>
public class F16NetworkTests
{
    private static string Record => Path.Combine(AppContext.BaseDirectory, "Fixtures", "f16", "F16Data_FullMSine_Level1.first5000.csv");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PredictsOneFiniteValuePerSample(bool causal)
    {
        var model = new NetworkVibrationModel(0, halfWidth: 4, hidden: 6, causal: causal);
        using var noGrad = no_grad();
        var prediction = model.Predict(randn(50, dtype: ScalarType.Float64), 0.25);
        Assert.Equal(new long[] { 50 }, prediction.shape);
        // Not asserted: u(0) = 0.25 exactly; the initial value is one least-squares row among the rest, not a hard constraint.
        Assert.True(prediction.isfinite().all().item<bool>());
    }

    [Fact]
    public void GradientReachesEveryParameter()
    {
        var model = new NetworkVibrationModel(0, halfWidth: 4, hidden: 6);
        var forcing = sin(arange(60, dtype: ScalarType.Float64) * 0.3);
        model.Predict(forcing, 0.1).square().sum().backward();
        foreach (var (name, p) in model.named_parameters())
        {
            Assert.NotNull(p.grad);
            Assert.True(p.grad!.abs().sum().item<double>() > 0, $"no gradient reaches {name}");
        }
    }

    /// <summary>Small instance of §5.3: on 300 samples of the real record the loss falls at least 3× in 60 iterations.</summary>
    [Fact]
    public void FitsTheWingAccelerationOnAShortRecord()
    {
        var data = F16Vibrations.Load(Record, count: 600);
        var result = VibrationTrainer.Train(new NetworkVibrationModel(0, halfWidth: 8, hidden: 8), data.Forcing, data.Target, 0, VibrationTrainer.Protocol(iterations: 60), trainSteps: 300);
        Assert.True(result.LossHistory[^1] * 3 < result.LossHistory[0], $"loss {result.LossHistory[0]:E3} → {result.LossHistory[^1]:E3}");
        Assert.True(double.IsFinite(result.TestRunningRmse));
    }
}

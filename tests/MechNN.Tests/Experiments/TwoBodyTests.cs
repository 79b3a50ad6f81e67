using MechNN.Experiments.Systems;
using MechNN.Experiments.TwoBody;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MechNN.Tests.Experiments;

public class TwoBodyTests(ITestOutputHelper output)
{
    [Fact]
    public void GeneratorConservesMomentumAndEnergy()
    {
        var system = new TwoBodySystem();
        var (x, _) = system.Trajectory(system.RandomInitialState(3), 0.05, 400, tolerance: 1e-11);
        double Energy(double[] s) => 0.5 * 10 * (s[4] * s[4] + s[5] * s[5]) + 0.5 * 20 * (s[6] * s[6] + s[7] * s[7])
            - 2 * 10 * 20 / Math.Sqrt(Math.Pow(s[2] - s[0], 2) + Math.Pow(s[3] - s[1], 2));
        Assert.Equal(Energy(x[0]), Energy(x[^1]), 7);
        Assert.Equal(0, 10 * x[^1][4] + 20 * x[^1][6], 9);   // centre of mass at rest
    }

    /// <summary>Paper §5.4: the restricted MNN recovers the mass ratio 2 on both axes (the paper reports 2.022).</summary>
    [Fact]
    public void LearnsTheMassRatioWithinOnePercent()
    {
        manual_seed(0);
        var (states, step) = MassRatioTrainer.Generate(seed: 1, steps: 1000);
        var result = MassRatioTrainer.Train(new MassRatioModel(step), states, MassRatioTrainer.Protocol(iterations: 400));
        output.WriteLine($"ratios x {result.RatioX:F4}, y {result.RatioY:F4}, loss {result.FinalLoss:E2}, {result.Seconds:F1} s");
        Assert.InRange(result.RatioX, 1.98, 2.02);
        Assert.InRange(result.RatioY, 1.98, 2.02);
    }
}

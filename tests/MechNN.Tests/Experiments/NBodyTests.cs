using MechNN.Experiments.NBody;
using MechNN.Experiments.TwoBody;
using MechNN.Training;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MechNN.Tests.Experiments;

public class NBodyTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(3, 0.0, 1e-7)]
    [InlineData(10, 0.1, 1e-7)]
    public void GeneratorConservesEnergyAndMomentum(int bodies, double softening, double bound)
    {
        var system = new NBodySystem(Enumerable.Repeat(8.0, bodies).ToArray(), 2, softening);
        var (x, _) = system.Trajectory(system.RandomInitialState(1), 0.1, 400, tolerance: 1e-10);
        double e0 = system.Energy(x[0]);
        double drift = x.Max(s => Math.Abs(system.Energy(s) - e0)) / Math.Abs(e0);
        var (px, py) = system.Momentum(x[^1]);
        output.WriteLine($"{bodies} bodies, ε = {softening}: max relative energy drift {drift:E2}, final momentum ({px:E1}, {py:E1})");
        Assert.True(drift < bound, $"energy drift {drift:E2}");
        Assert.InRange(px, -1e-8, 1e-8);
        Assert.InRange(py, -1e-8, 1e-8);
        Assert.True(system.Energy(x[0]) < 0, "the disc should start bound");
    }

    [Fact]
    public void TwoBodiesMatchTheTwoBodySystem()
    {
        var reference = new TwoBodySystem();
        var system = new NBodySystem(new[] { reference.Mass1, reference.Mass2 }, reference.Gravity);
        var r = reference.RandomInitialState(4);   // (x1, y1, x2, y2, vx1, vy1, vx2, vy2)
        double[] Permute(double[] s) => new[] { s[0], s[1], s[4], s[5], s[2], s[3], s[6], s[7] };
        var (a, _) = reference.Trajectory(r, 0.05, 300, tolerance: 1e-11);
        var (b, _) = system.Trajectory(Permute(r), 0.05, 300, tolerance: 1e-11);
        for (int i = 0; i < a.Length; i++)
        {
            // The same law exactly; the adaptive paths differ by rounding only (the sums run in another order).
            var (expectedRate, rate) = (Permute(reference.Derivative(a[i])), system.Derivative(Permute(a[i])));
            for (int k = 0; k < 8; k++) Assert.Equal(expectedRate[k], rate[k], 1e-12 * Math.Max(1, Math.Abs(expectedRate[k])));
            var expected = Permute(a[i]);
            for (int k = 0; k < 8; k++) Assert.Equal(expected[k], b[i][k], 1e-7);
        }
    }

    [Fact]
    public void CentreOfMassFrameHasZeroMomentumAndCentre()
    {
        var system = new NBodySystem(new[] { 1.0, 2, 3 });
        var s = system.CentreOfMassFrame(system.RandomInitialState(2, centreOfMass: false).Select(v => v + 1.5).ToArray());
        var (px, py) = system.Momentum(s);
        Assert.Equal(0, px, 12);
        Assert.Equal(0, py, 12);
        Assert.Equal(0, 1 * s[0] + 2 * s[4] + 3 * s[8], 12);
    }

    [Fact]
    public void RejectsBadSystems()
    {
        Assert.Throws<ArgumentException>(() => new NBodySystem(new[] { 1.0 }));
        Assert.Throws<ArgumentException>(() => new NBodySystem(new[] { 1.0, -1 }));
        Assert.Throws<ArgumentException>(() => new NBodySystem(new[] { 1.0, 1 }, softening: -1));
        var states = new[] { new double[7] };
        Assert.Throws<ArgumentException>(() => new NBodyForecast(states, 0.1, 1));
    }

    /// <summary>Held-out windows are the last of the training half, and no training window shares a sample with them.</summary>
    [Fact]
    public void ValidationWindowsAreHeldOutWithoutOverlap()
    {
        var states = Enumerable.Range(0, 200).Select(i => new double[] { i, 0, 0, 0, -i, 0, 0, 0 }).ToArray();
        var plain = new NBodyForecast(states, 0.1, 100, observed: 10);
        var split = new NBodyForecast(states, 0.1, 100, observed: 10, validation: 30);
        Assert.Equal(81, plain.TrainWindows);
        Assert.Equal(30, split.ValidationWindows);
        // Validation starts 51…80 cover samples 51…99; training starts 0…31 end at sample 50.
        Assert.Equal(32, split.TrainWindows);
        Assert.True(double.IsNaN(plain.ValidationMse(new NBodyNeuralOde(2, 10, 0.1, 1, 1, hidden: 4))));
        Assert.Throws<ArgumentException>(() => new NBodyForecast(states, 0.1, 100, observed: 10, validation: 62));
        Assert.Throws<ArgumentException>(() => new NBodyForecast(states, 0.1, 100, observed: 10, validation: -1));
    }

    /// <summary>Training with held-out windows validates on them every interval; the result carries the history.</summary>
    [Fact]
    public void TrainingReportsValidationOnTheHeldOutWindows()
    {
        var system = new NBodySystem(new[] { 8.0, 8, 8 }, 2, 0.1);
        var (x, _) = system.Trajectory(system.RandomInitialState(3), 0.1, 400, tolerance: 1e-10);
        var protocol = new NBodyForecast(x, 0.1, 200, observed: 10, validation: 40);
        manual_seed(0);
        var node = new NBodyNeuralOde(3, 10, 0.1, protocol.PositionScale, protocol.VelocityScale, hidden: 16);
        var run = protocol.Train(node, new TrainingOptions { Steps = 20, LearningRate = 1e-3, Seed = 0, ReportEvery = 5, ValidateEvery = 10 });
        var result = protocol.Evaluate(node, 0, run);
        Assert.Equal(new[] { 10, 20 }, run.ValidationHistory.Select(v => v.Step));
        Assert.Equal(protocol.ValidationMse(node), result.Validation!.Value, 12);
        Assert.Equal(run.ValidationHistory[^1].Value, result.Validation!.Value, 12);
    }

    /// <summary>3 bodies, short windows, a few hundred Adam steps: the MNN's full-batch window loss falls at least 5×.</summary>
    [Fact]
    public void MnnLossFallsFiveFoldOnThreeBodies()
    {
        var system = new NBodySystem(new[] { 8.0, 8, 8 }, 2, 0.1);
        var (x, _) = system.Trajectory(system.RandomInitialState(3), 0.1, 400, tolerance: 1e-10);
        var protocol = new NBodyForecast(x, 0.1, 200, observed: 10);
        manual_seed(0);
        var model = new NBodyMnnForecaster(3, 10, protocol.PositionScale, 0.1, hidden: 64);
        var all = new Minibatches(protocol.TrainWindows, protocol.TrainWindows, 0);
        double Loss() { using var g = no_grad(); return protocol.MnnLoss(model, all, 0).item<double>(); }
        double before = Loss();
        protocol.Train(model, new TrainingOptions { Steps = 150, LearningRate = 1e-3, Seed = 0 }, batchSize: 30);
        double after = Loss();
        var result = protocol.Evaluate(model, 0, null);
        output.WriteLine($"window loss {before:E3} → {after:E3} ({before / after:F1}×); teacher-forced MSE {result.TeacherForcedMse:E3}");
        Assert.True(before / after >= 5, $"loss fell only {before / after:F2}×");
        Assert.True(double.IsFinite(result.TeacherForcedMse));
    }

    [Fact]
    public void NeuralOdeTrainsOnTheSameWindowsAndTheTrueLawIsTheFloor()
    {
        var system = new NBodySystem(new[] { 8.0, 8, 8 }, 2, 0.1);
        var (x, _) = system.Trajectory(system.RandomInitialState(3), 0.1, 400, tolerance: 1e-10);
        var protocol = new NBodyForecast(x, 0.1, 200, observed: 10);
        manual_seed(0);
        var node = new NBodyNeuralOde(3, 10, 0.1, protocol.PositionScale, protocol.VelocityScale, hidden: 32);
        var run = protocol.Train(node, new TrainingOptions { Steps = 20, LearningRate = 1e-3, Seed = 0 });
        var learned = protocol.Evaluate(node, 0, run);
        var floor = protocol.Evaluate(system);
        output.WriteLine($"Neural ODE teacher-forced {learned.TeacherForcedMse:E3}, floor {floor.TeacherForcedMse:E3}, rollout@100 floor {floor.RolloutMse[100]:E3}");
        Assert.True(floor.TeacherForcedMse < 1e-12);
        Assert.True(floor.RolloutMse[100] < 1e-10);
        Assert.True(learned.TeacherForcedMse > floor.TeacherForcedMse);
        Assert.Equal(200, learned.Rollout.Length);
    }
}

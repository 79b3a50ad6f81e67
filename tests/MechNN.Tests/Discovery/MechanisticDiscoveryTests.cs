using System.Diagnostics;
using MechNN.Experiments.Systems;
using MechNN.Discovery;
using MechNN.Discovery.Libraries;
using Xunit.Abstractions;

namespace MechNN.Tests.Discovery;

public class MechanisticDiscoveryTests(ITestOutputHelper output)
{
    /// <summary>Planar discovery (paper §5.1): the linear damped oscillator from one trajectory, degree-3 library.</summary>
    [Fact]
    public void RecoversThePlanarLinearSystemWithExactlyItsFourTerms()
    {
        var (x, _) = new LinearDampedSho().Trajectory(new[] { 2.0, 0.0 }, dt: 0.01, count: 1000);
        var sw = Stopwatch.StartNew();
        var model = new MechanisticDiscovery(new PolynomialLibrary(2, 3), new MechanisticDiscoveryOptions
        {
            Window = 50, Stride = 10, BatchSize = 32, Cycles = 3, EpochsPerCycle = 3, DenoiserWidth = 32, LearningRate = 1e-3, Threshold = 0.05,
        }).Fit(x, dt: 0.01, progress: p => output.WriteLine($"cycle {p.Cycle} epoch {p.Epoch}: loss {p.Loss:E3}, {p.ActiveTerms} terms"));
        foreach (var line in model.Equations(4)) output.WriteLine(line);
        output.WriteLine($"{sw.Elapsed.TotalSeconds:F1} s");

        var c = model.Coefficients!;
        Assert.Equal(4, c.Sum(row => row.Count(v => v != 0)));
        // Library order: 1, x0, x1, x0^2, …
        Assert.Equal(-0.1, c[0][1], 0.001);
        Assert.Equal(2.0, c[0][2], 0.02);
        Assert.Equal(-2.0, c[1][1], 0.02);
        Assert.Equal(-0.1, c[1][2], 0.001);
    }

    [Fact]
    public void PoolsWindowsOfSeveralTrajectories()
    {
        var system = new LinearDampedSho();
        var a = system.Trajectory(new[] { 2.0, 0.0 }, 0.01, 400).X;
        var b = system.Trajectory(new[] { 0.0, 1.5 }, 0.01, 400).X;
        var model = new MechanisticDiscovery(new PolynomialLibrary(2, 2), new MechanisticDiscoveryOptions
        {
            Window = 50, Stride = 10, Cycles = 2, EpochsPerCycle = 1, DenoiserWidth = 0, Threshold = 0.05,
        }).Fit(new[] { a, b }, 0.01);
        Assert.Equal(new[] { "(x0)' = -0.100 x0 +  2.000 x1", "(x1)' = -2.000 x0 + -0.100 x1" }, model.Equations());
    }

    [Fact]
    public void CoefficientsCanComeFromANetwork()
    {
        var (x, _) = new LinearDampedSho().Trajectory(new[] { 2.0, 0.0 }, 0.01, 600);
        var model = new MechanisticDiscovery(new PolynomialLibrary(2, 2), new MechanisticDiscoveryOptions
        {
            Window = 50, Stride = 10, Cycles = 2, EpochsPerCycle = 2, DenoiserWidth = 0, Threshold = 0.05, XiNetworkWidth = 32,
        }).Fit(x, 0.01);
        Assert.Equal(new[] { "(x0)' = -0.100 x0 +  2.000 x1", "(x1)' = -2.000 x0 + -0.100 x1" }, model.Equations());
    }
}

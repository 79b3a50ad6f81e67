using MechNN.Discovery;
using MechNN.Experiments.Systems;
using MechNN.Discovery.Libraries;
using MechNN.Discovery.Sindy;

namespace MechNN.Tests.Discovery;

/// <summary>PySINDy's published examples (README / feature overview), same protocol, exact printed equations.</summary>
public class SindyTests
{
    private static DiscoveredModel FitSho(DynamicalSystem system)
    {
        // dt 0.01, t ∈ [0, 25), x0 = (2, 0), STLSQ threshold 0.05, polynomial degree 5, second-order differences.
        var (x, t) = system.Trajectory(new[] { 2.0, 0.0 }, dt: 0.01, count: 2500);
        return new SindyModel(new PolynomialLibrary(2, 5), new Stlsq(threshold: 0.05)).Fit(x, t);
    }

    [Fact]
    public void LinearDampedOscillatorPrintsExactlyWhatPySindyPrints()
    {
        var model = FitSho(new LinearDampedSho());
        Assert.Equal(new[] { "(x0)' = -0.100 x0 +  2.000 x1", "(x1)' = -2.000 x0 + -0.100 x1" }, model.Equations());
    }

    [Fact]
    public void CubicDampedOscillatorPrintsExactlyWhatPySindyPrints()
    {
        var model = FitSho(new CubicDampedSho());
        Assert.Equal(new[] { "(x0)' = -0.100 x0^3 +  1.999 x1^3", "(x1)' = -1.999 x0^3 + -0.100 x1^3" }, model.Equations());
    }

    [Fact]
    public void PolynomialFeatureNamesFollowScikitLearnOrder()
    {
        var names = new PolynomialLibrary(2, 3).FeatureNames(new[] { "x0", "x1" });
        Assert.Equal(new[] { "1", "x0", "x1", "x0^2", "x0 x1", "x1^2", "x0^3", "x0^2 x1", "x0 x1^2", "x1^3" }, names);
        Assert.Equal(new[] { "x0", "x1", "x2", "x0 x1", "x0 x2", "x1 x2" },
            new PolynomialLibrary(3, 2, includeBias: false, interactionOnly: true).FeatureNames(new[] { "x0", "x1", "x2" }));
    }

    [Fact]
    public void SecondOrderDifferencesAreExactForQuadraticsOnANonUniformGrid()
    {
        var t = new[] { 0.0, 0.1, 0.25, 0.3, 0.7, 1.0 };
        var x = t.Select(s => new[] { 3 * s * s - 2 * s + 1 }).ToArray();
        var dx = new FiniteDifference().Differentiate(x, t);
        for (int i = 0; i < t.Length; i++) Assert.Equal(6 * t[i] - 2, dx[i][0], 12);
    }
}

public class SmoothedFiniteDifferenceTests
{
    [Fact]
    public void SmoothingKeepsPolynomialsOfItsOrderExactlyAndDampsNoise()
    {
        var t = Enumerable.Range(0, 60).Select(i => i * 0.1).ToArray();
        var cubic = t.Select(s => new[] { s * s * s - 2 * s }).ToArray();
        var smoothed = new SmoothedFiniteDifference(11, 3).Smooth(cubic);
        for (int i = 0; i < t.Length; i++) Assert.Equal(cubic[i][0], smoothed[i][0], 9);

        var rng = new Random(1);
        var noisy = t.Select(_ => new[] { rng.NextDouble() - 0.5 }).ToArray();
        double Energy(double[][] v) => v.Sum(r => r[0] * r[0]);
        Assert.True(Energy(new SmoothedFiniteDifference(11, 3).Smooth(noisy)) < 0.5 * Energy(noisy));
    }
}

public class SystemCatalogTests
{
    /// <summary>SINDy recovers every polynomial catalogue system from its default trajectory (a check of the generators' equations).</summary>
    [Theory]
    [InlineData("duffing", 3, 0.02, "(x0)' =  1.000 x1", "(x1)' = -0.050 x0 + -0.200 x1 + -1.000 x0^3")]
    [InlineData("lotka-volterra", 2, 0.1, "(x0)' =  1.000 x0 + -10.000 x0 x1", "(x1)' = -2.000 x1 +  10.000 x0 x1")]
    [InlineData("hopf", 3, 0.02, "(x0)' = -0.050 x0 + -1.000 x1 + -1.000 x0^3 + -1.000 x0 x1^2", "(x1)' =  1.000 x0 + -0.050 x1 + -1.000 x0^2 x1 + -1.000 x1^3")]
    public void SindyRecoversTheCatalogueSystems(string name, int degree, double threshold, string first, string second)
    {
        var (system, x0) = MechNN.Experiments.Systems.SystemCatalog.Get(name);
        var (x, t) = system.Trajectory(x0, 0.002, 5000);
        var model = new SindyModel(new PolynomialLibrary(2, degree), new Stlsq(threshold)).Fit(x, t);
        Assert.Equal(new[] { first, second }, model.Equations());
    }
}

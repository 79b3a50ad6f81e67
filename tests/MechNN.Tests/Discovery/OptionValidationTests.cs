using MechNN.Discovery;
using MechNN.Discovery.Libraries;
using MechNN.Discovery.Sindy;

namespace MechNN.Tests.Discovery;

/// <summary>Bad settings are refused up front with a message in the user's terms, never a bare "out of range".</summary>
public class OptionValidationTests
{
    [Theory]
    [InlineData(-1.0, 0.05, 20, "threshold must be ≥ 0 (got -1)")]
    [InlineData(double.NaN, 0.05, 20, "threshold must be ≥ 0 (got NaN)")]
    [InlineData(0.1, -0.5, 20, "ridge alpha must be ≥ 0 (got -0.5)")]
    [InlineData(0.1, 0.05, 0, "STLSQ iterations must be ≥ 1 (got 0)")]
    public void StlsqNamesTheSetting(double threshold, double alpha, int iterations, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => new Stlsq(threshold, alpha, iterations));
        Assert.Equal(expected, ex.Message);
    }

    public static TheoryData<MechanisticDiscoveryOptions, string> BadOptions => new()
    {
        { new() { Cycles = 0 }, "cycles must be ≥ 1 (got 0)" },
        { new() { EpochsPerCycle = 0 }, "epochs must be ≥ 1 (got 0)" },
        { new() { DenoiserWidth = -2 }, "denoiser width must be ≥ 0 (or -1 for automatic) (got -2)" },
        { new() { XiNetworkWidth = -1 }, "xi-network width must be ≥ 0 (got -1)" },
        { new() { Stride = 0 }, "stride must be ≥ 1 (or -1 for automatic) (got 0)" },
        { new() { Stride = -3 }, "stride must be ≥ 1 (or -1 for automatic) (got -3)" },
        { new() { BatchSize = 0 }, "batch size must be ≥ 1 (got 0)" },
        { new() { Order = 0 }, "order must be ≥ 1 (got 0)" },
        { new() { Threshold = -1 }, "threshold must be ≥ 0 (got -1)" },
        { new() { LearningRate = 0 }, "learning rate must be > 0 (got 0)" },
        { new() { LearningRate = double.PositiveInfinity }, "learning rate must be > 0 (got ∞)" },
        { new() { Window = 1, Order = 1 }, "window must be ≥ 2 (at least 2 and the order, 1: shorter windows leave the per-window ODE undetermined; or -1 for automatic) (got 1)" },
        { new() { Window = 2 }, "window must be ≥ 3 (at least 2 and the order, 3: shorter windows leave the per-window ODE undetermined; or -1 for automatic) (got 2)" },
        { new() { Window = 4, Order = 5 }, "window must be ≥ 5 (at least 2 and the order, 5: shorter windows leave the per-window ODE undetermined; or -1 for automatic) (got 4)" },
        { new() { Window = -2 }, "window must be ≥ 3 (at least 2 and the order, 3: shorter windows leave the per-window ODE undetermined; or -1 for automatic) (got -2)" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void DiscoveryOptionsAreCheckedWhenTheMethodIsBuilt(MechanisticDiscoveryOptions options, string expected)
    {
        var mnn = Assert.Throws<ArgumentException>(() => new MechanisticDiscovery(new PolynomialLibrary(2, 2), options));
        Assert.Equal(expected, mnn.Message);
        var rational = Assert.Throws<ArgumentException>(() => new RationalDiscovery(new PolynomialLibrary(1, 2), options));
        Assert.Equal(expected, rational.Message);
    }

    [Fact]
    public void TooFewSamplesForTheLibraryNamesRowsTermsAndTheRemedy()
    {
        double[] t = { 0, 0.1, 0.2, 0.3 };
        var x = t.Select(s => new[] { Math.Cos(s), Math.Sin(s) }).ToArray();
        var ex = Assert.Throws<ArgumentException>(() => new SindyModel(new PolynomialLibrary(2, 2)).Fit(new[] { (x, t) }));
        Assert.Equal("4 samples for a library of 6 terms (1, x0, x1, x0^2, x0 x1, x1^2): least squares needs at least 6 samples; give more rows or a smaller library (lower degree)", ex.Message);
    }
}

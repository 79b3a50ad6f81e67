using MechNN.Discovery;
using MechNN.Discovery.Libraries;
using MechNN.Discovery.Sindy;
using MechNN.Integrators;
using Xunit.Abstractions;

namespace MechNN.Tests.Discovery;

/// <summary>Paper §5.1: a rational right-hand side u' = p(u)/q(u), fitted as q(u)·u' − p(u) = 0 with a time-varying u'-coefficient.</summary>
public class RationalDiscoveryTests(ITestOutputHelper output)
{
    // u' = (1 − u)/(1 + u²): p = 1 − u, q = 1 + u².
    private static double[] Field(double[] s) => new[] { (1 - s[0]) / (1 + s[0] * s[0]) };

    [Fact]
    public void RecoversNumeratorAndDenominatorWithinFivePercent()
    {
        var times = Enumerable.Range(0, 1500).Select(i => i * 0.01).ToArray();
        var x = new DormandPrince45(1e-12, 1e-12).Integrate((_, s) => Field(s), new[] { -3.0 }, times);
        var model = new RationalDiscovery(new PolynomialLibrary(1, 2), new MechanisticDiscoveryOptions
        {
            Window = 50, Stride = 25, BatchSize = 64, Cycles = 1, EpochsPerCycle = 20, LearningRate = 1e-3, Threshold = 0.05,
        }).Fit(x, 0.01);
        foreach (var line in model.Equations()) output.WriteLine("MNN   " + line);
        // Numerator over (1, u, u²), denominator over (u, u²).
        Assert.Equal(new[] { 1.0, -1.0, 0.0 }.Select(v => v != 0), model.Numerator![0].Select(v => v != 0));
        Assert.Equal(new[] { 0.0, 1.0 }.Select(v => v != 0), model.Denominator![0].Select(v => v != 0));
        Assert.Equal(1.0, model.Numerator[0][0], 0.05);
        Assert.Equal(-1.0, model.Numerator[0][1], 0.05);
        Assert.Equal(1.0, model.Denominator[0][1], 0.05);

        var sindy = new SindyModel(new PolynomialLibrary(1, 4), new Stlsq(0.05)).Fit(x, times);
        foreach (var line in sindy.Equations()) output.WriteLine("SINDy " + line);
        var x0 = new[] { -6.0 };
        var test = Enumerable.Range(0, 501).Select(i => i * 0.05).ToArray();
        var truth = new DormandPrince45(1e-10, 1e-10).Integrate((_, s) => Field(s), x0, test);
        double Rms(Func<double[], double[]> f)
        {
            try { return Math.Sqrt(new DormandPrince45(1e-8, 1e-8).Integrate((_, s) => f(s), x0, test).Zip(truth, (a, b) => Math.Pow(a[0] - b[0], 2)).Average()); }
            catch (IntegrationDivergedException) { return double.PositiveInfinity; }
        }
        double mnnError = Rms(model.Predict), sindyError = Rms(sindy.Predict);
        output.WriteLine($"simulation RMS error from u = −6 over t ∈ [0, 25]: MNN {mnnError:E2}, SINDy {sindyError:E2}");
        Assert.True(mnnError < 0.05 && sindyError > 10 * mnnError, $"MNN {mnnError}, SINDy {sindyError}");
    }
}

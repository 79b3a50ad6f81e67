using MechNN.Data.Systems;
using MechNN.Discovery;
using MechNN.Discovery.Libraries;
using MechNN.Discovery.Sindy;
using MechNN.Integrators;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MechNN.Tests.Discovery;

/// <summary>Paper §5.1: u' = tanh(Θ(u)ξ) with g = tanh known — what a polynomial SINDy cannot represent.</summary>
public class TanhDiscoveryTests(ITestOutputHelper output)
{
    // ẋ = tanh(−0.1x + 2y), ẏ = tanh(−2x − 0.1y): a damped oscillation whose velocity saturates.
    private static double[] Field(double[] s) => new[] { Math.Tanh(-0.1 * s[0] + 2 * s[1]), Math.Tanh(-2 * s[0] - 0.1 * s[1]) };

    [Fact]
    public void MnnWithKnownTanhRecoversTheCoefficientsWhereSindyCannotSimulate()
    {
        var times = Enumerable.Range(0, 2000).Select(i => i * 0.01).ToArray();
        var x = new DormandPrince45(1e-12, 1e-12).Integrate((_, s) => Field(s), new[] { 2.0, 0 }, times);
        var library = new PolynomialLibrary(2, 2);
        var mnn = new MechanisticDiscovery(library, new MechanisticDiscoveryOptions
        {
            Window = 50, Stride = 10, BatchSize = 64, Cycles = 2, EpochsPerCycle = 10, DenoiserWidth = 0, LearningRate = 1e-3, Threshold = 0.05,
            Nonlinearity = t => t.tanh(), InverseNonlinearity = v => Math.Atanh(Math.Clamp(v, -0.999999, 0.999999)),
        }).Fit(x, 0.01);
        foreach (var line in mnn.Equations(4)) output.WriteLine("MNN   tanh(" + line + ")");
        var c = mnn.Coefficients!;
        Assert.Equal(4, c.Sum(r => r.Count(v => v != 0)));
        Assert.Equal(-0.1, c[0][1], 0.005);
        Assert.Equal(2.0, c[0][2], 0.1);
        Assert.Equal(-2.0, c[1][1], 0.1);
        Assert.Equal(-0.1, c[1][2], 0.005);

        // SINDy with a polynomial library on the same data, then both simulated from a new initial state.
        var sindy = new SindyModel(new PolynomialLibrary(2, 3), new Stlsq(0.05)).Fit(x, times);
        foreach (var line in sindy.Equations()) output.WriteLine("SINDy " + line);
        var x0 = new[] { 3.0, 0 };
        var test = Enumerable.Range(0, 1001).Select(i => i * 0.02).ToArray();
        var truth = new DormandPrince45(1e-10, 1e-10).Integrate((_, s) => Field(s), x0, test);
        double Rms(Func<double[], double[]> f)
        {
            try
            {
                var sim = new DormandPrince45(1e-8, 1e-8).Integrate((_, s) => f(s), x0, test);
                return Math.Sqrt(sim.Zip(truth, (a, b) => Math.Pow(a[0] - b[0], 2) + Math.Pow(a[1] - b[1], 2)).Average());
            }
            catch (IntegrationDivergedException) { return double.PositiveInfinity; }
        }
        double mnnError = Rms(mnn.Predict), sindyError = Rms(sindy.Predict);
        output.WriteLine($"simulation RMS error from (3, 0) over t ∈ [0, 20]: MNN {mnnError:E2}, SINDy {sindyError:E2}");
        Assert.True(mnnError < 0.05, $"MNN simulation error {mnnError}");
        Assert.True(sindyError > 10 * mnnError, $"SINDy should fail here: {sindyError} vs MNN {mnnError}");
    }
}

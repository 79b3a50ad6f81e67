using MechNN.Discovery;
using MechNN.Discovery.Libraries;
using MechNN.Experiments.DiscoveryTasks;
using MechNN.Experiments.Systems;

namespace MechNN.Tests.Discovery;

/// <summary>MNN discovery without tuning: the noise estimate, the automatic denoiser and the threshold chosen by BIC.</summary>
public class MnnDefaultsTests
{
    [Fact]
    public void NoiseEstimateSeesCleanDataAsCleanAndReadsTheNoiseLevel()
    {
        var (clean, _) = LorenzDiscoveryBenchmark.Clean();
        Assert.All(NoiseEstimate.Relative(new[] { clean }), v => Assert.True(v < 1e-3, $"clean estimate {v:E2}"));
        var noisy = MeasurementNoise.Add(clean, 0.05, seed: 4);
        Assert.All(NoiseEstimate.Relative(new[] { noisy }), v => Assert.InRange(v, 0.045, 0.055));
    }

    [Fact]
    public void DefaultsFindTheOscillatorExactlyWithoutADenoiserOnCleanData()
    {
        var system = DiscoverySweep.System("linear-sho");
        var (x, t) = DiscoverySweep.Clean(system);
        var model = new MechanisticDiscovery(new PolynomialLibrary(2, 2), MechanisticDiscoveryOptions.DataDriven).Fit(x, system.Dt);
        Assert.Equal(0, model.Settings["denoiserWidth"]);
        Assert.True(model.Settings["noiseEstimate"] < 1e-3);
        Assert.Equal(1, model.Settings["thresholdByBic"]);
        Assert.Contains(model.Settings["threshold"], MechanisticDiscoveryOptions.DefaultThresholdPath);
        var score = TermScore.Of(DiscoverySweep.Truth(system, x), model.Coefficients);
        Assert.Equal((4, 0, 0), (score.Correct, score.Wrong, score.Missing));
        Assert.True(score.MaxRelativeError <= 1e-3, $"max relative error {score.MaxRelativeError:P3}");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.1)]
    public void TimeScaleReadsOneOverTheFrequencyThroughNoise(double noise)
    {
        // x = sin(3t), y = 5 cos(0.5t): τ = 1/ω per state, the shortest 1/3.
        var clean = Enumerable.Range(0, 4000).Select(i => new[] { Math.Sin(3 * i * 0.01), 5 * Math.Cos(0.5 * i * 0.01) }).ToArray();
        double tau = TimeScale.Shortest(new[] { MeasurementNoise.Add(clean, noise, seed: 7) }, 0.01);
        Assert.InRange(tau, 1 / 3.0 * 0.97, 1 / 3.0 * 1.03);
    }

    [Theory]
    [InlineData("lorenz", 20, 30)]
    [InlineData("linear-sho", 50, 50)]
    public void AutomaticWindowFollowsTheTimeScale(string name, int shortest, int longest)
    {
        var system = DiscoverySweep.System(name);
        var (x, _) = DiscoverySweep.Clean(system);
        var model = new MechanisticDiscovery(new PolynomialLibrary(x[0].Length, system.Degree), MechanisticDiscoveryOptions.DataDriven with { Cycles = 1 })
            .Fit(x.Take(2000).ToArray(), system.Dt);
        Assert.InRange(model.Settings["window"], shortest, longest);
        Assert.Equal(Math.Round(model.Settings["window"] / 10), model.Settings["stride"]);
    }

    [Fact]
    public void FittedStartsAndFeaturesFromTheSolutionBeatTheNoisyFirstSample()
    {
        // Noise seed 100: the seeds the defaults were chosen on (the sweep scores 0–4).
        var system = DiscoverySweep.System("linear-sho");
        var (clean, _) = DiscoverySweep.Clean(system);
        var truth = DiscoverySweep.Truth(system, clean);
        var x = MeasurementNoise.Add(clean, 0.05, seed: 100);
        TermScore Score(MechanisticDiscoveryOptions o) => TermScore.Of(truth, new MechanisticDiscovery(new PolynomialLibrary(2, 2), o).Fit(x, system.Dt).Coefficients);
        // The integral fit alone (the trajectory refit off): its own choices are what is compared.
        var integral = MechanisticDiscoveryOptions.DataDriven with { TrajectoryRefit = false };
        var defaults = Score(integral);
        var noisyStart = Score(integral with { FreeStart = false, FeaturesFromSolution = false });
        Assert.Equal((4, 0, 0), (defaults.Correct, defaults.Wrong, defaults.Missing));
        Assert.True(defaults.MaxRelativeError < 0.03, $"defaults {defaults.MaxRelativeError:P2}");
        Assert.True(defaults.MaxRelativeError < noisyStart.MaxRelativeError / 1.5, $"defaults {defaults.MaxRelativeError:P2}, noisy start {noisyStart.MaxRelativeError:P2}");
        // With the refit, both starting fits (same support) end at the same optimum of the trajectory misfit.
        var refitted = Score(MechanisticDiscoveryOptions.DataDriven);
        var refittedFromNoisyStart = Score(MechanisticDiscoveryOptions.DataDriven with { FreeStart = false, FeaturesFromSolution = false });
        Assert.Equal(refitted.MaxRelativeError, refittedFromNoisyStart.MaxRelativeError, 6);
        Assert.True(refitted.MaxRelativeError < 0.03, $"refitted {refitted.MaxRelativeError:P2}");
    }

    [Fact]
    public void TrajectoryRefitRemovesTheFeatureErrorOfRosslersSmallState()
    {
        // Noise seed 112 (a tuning seed), 5%: between spikes z ≈ b/(c − x) ≈ 0.04 under noise 0.12, and the integral fit's
        // features carry that noise into b; the refit on the model's own trajectory reads no feature off the data.
        var system = DiscoverySweep.System("rossler");
        var (clean, _) = DiscoverySweep.Clean(system);
        var truth = DiscoverySweep.Truth(system, clean);
        var x = MeasurementNoise.Add(clean, 0.05, seed: 112);
        TermScore Score(MechanisticDiscoveryOptions o, out DiscoveredModel model)
        {
            model = new MechanisticDiscovery(new PolynomialLibrary(3, 2), o).Fit(x, system.Dt);
            return TermScore.Of(truth, model.Coefficients);
        }
        var integral = Score(MechanisticDiscoveryOptions.DataDriven with { TrajectoryRefit = false }, out _);
        var refit = Score(MechanisticDiscoveryOptions.DataDriven, out var refitted);
        Assert.Equal(1, refitted.Settings["trajectoryRefit"]);
        Assert.Equal((7, 0, 0), (refit.Correct, refit.Wrong, refit.Missing));
        Assert.True(refit.MaxRelativeError < 0.01, $"refit {refit.MaxRelativeError:P2}");
        Assert.True(refit.MaxRelativeError < integral.MaxRelativeError / 3, $"refit {refit.MaxRelativeError:P2}, integral fit {integral.MaxRelativeError:P2}");
    }

    [Fact]
    public void ThresholdPathMustHoldThresholds()
    {
        var ex = Assert.Throws<ArgumentException>(() => new MechanisticDiscovery(new PolynomialLibrary(2, 1), new MechanisticDiscoveryOptions { ThresholdPath = new[] { -1.0 } }));
        Assert.Contains("threshold path", ex.Message);
    }
}

/// <summary>The sweep's parts on one small case (the CI-sized variant of `bench discovery`).</summary>
public class DiscoverySweepTests
{
    [Fact]
    public void TruthIsTheSystemsOwnCoefficients()
    {
        var lorenz = DiscoverySweep.System("lorenz");
        var (x, _) = DiscoverySweep.Clean(lorenz);
        var truth = DiscoverySweep.Truth(lorenz, x.Take(500).ToArray());
        for (int d = 0; d < 3; d++)
            for (int f = 0; f < 10; f++) Assert.Equal(LorenzDiscoveryBenchmark.Truth[d][f], truth[d][f], 9);
    }

    [Fact]
    public void OneSystemOneNoiseOneSeedScoresEveryMethod()
    {
        var system = DiscoverySweep.System("linear-sho");
        var (clean, t) = DiscoverySweep.Clean(system);
        var truth = DiscoverySweep.Truth(system, clean);
        var x = MeasurementNoise.Add(clean, 0.01, seed: 0);
        var rows = DiscoverySweep.Methods.Select(m => DiscoverySweep.Run(system, 0.01, 0, m, x, t, truth)).ToList();
        Assert.All(rows, r => Assert.True(r.StructureExact, $"{r.Method}: structure not exact"));
        Assert.All(rows, r => Assert.True(r.MaxRelativeError < 0.05, $"{r.Method}: {r.MaxRelativeError:P2}"));
        var summary = DiscoverySweep.Summarise(rows);
        Assert.Equal(DiscoverySweep.Methods.Count, summary.Count);
        Assert.All(summary, s => Assert.Equal(1.0, s.ExactFraction));
    }
}

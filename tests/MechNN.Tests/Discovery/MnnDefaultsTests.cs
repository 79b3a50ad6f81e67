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

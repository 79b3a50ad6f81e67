using MechNN.Experiments.Systems;

namespace MechNN.Tests.Experiments;

public class MeasurementNoiseTests
{
    private static readonly double[][] Clean = { new[] { 1.0, 2 }, new[] { 2.0, 1 }, new[] { 3.0, 5 } };

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "∞")]
    [InlineData(double.NegativeInfinity, "-∞")]
    [InlineData(-0.1, "-0.1")]
    public void NonFiniteOrNegativeLevelsAreRefusedNamingTheOption(double level, string shown)
    {
        var ex = Assert.Throws<ArgumentException>(() => MeasurementNoise.Add(Clean, level, seed: 1));
        Assert.Equal($"noise must be a finite level ≥ 0 (got {shown})", ex.Message);
    }

    [Fact]
    public void AFiniteLevelGivesFiniteNoisyData()
    {
        var noisy = MeasurementNoise.Add(Clean, 0.05, seed: 1);
        Assert.All(noisy.SelectMany(r => r), v => Assert.True(double.IsFinite(v)));
        Assert.NotEqual(Clean.SelectMany(r => r), noisy.SelectMany(r => r));
    }
}

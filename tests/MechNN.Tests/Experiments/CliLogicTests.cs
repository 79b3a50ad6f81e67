using MechNN.Experiments.DiscoveryTasks;
using MechNN.Experiments.F16;
using MechNN.Experiments.TwoBody;
using MechNN.Integrators;
using MechNN.IO.ModelFiles;

namespace MechNN.Tests.Experiments;

/// <summary>The metrics and decisions that used to live in the CLI commands: term scoring, forecast error, F-16 model plan.</summary>
public sealed class CliLogicTests
{
    [Fact]
    public void Term_score_of_the_truth_is_all_correct_with_zero_error()
    {
        var truth = LorenzDiscoveryBenchmark.Truth.ToArray();
        Assert.Equal(new TermScore(7, 0, 0, 0), TermScore.Of(truth, truth));
    }

    [Fact]
    public void Term_score_counts_wrong_and_missing_terms_and_the_worst_relative_error()
    {
        var truth = new[] { new double[] { 0, -10, 10 }, new double[] { 2, 0, 0 } };
        var found = new[] { new double[] { 0.5, -11, 0 }, new double[] { 2.1, 0, 0 } };
        // x0: -11 vs -10 (10 %), 10 missing, 0.5 wrong; x1: 2.1 vs 2 (5 %).
        var score = TermScore.Of(truth, found);
        Assert.Equal(2, score.Correct);
        Assert.Equal(1, score.Wrong);
        Assert.Equal(1, score.Missing);
        Assert.Equal(0.1, score.MaxRelativeError, 12);
        Assert.True(double.IsNaN(TermScore.Of(truth, new[] { new double[3], new double[3] }).MaxRelativeError));
        Assert.Throws<ArgumentException>(() => TermScore.Of(truth, new[] { new double[2], new double[3] }));
    }

    [Fact]
    public void Position_rmse_is_zero_for_the_truth_and_the_offset_for_a_shifted_forecast()
    {
        var truth = Enumerable.Range(0, 5).Select(i => Enumerable.Range(0, 8).Select(k => (double)(i * 8 + k)).ToArray()).ToArray();
        Assert.Equal(0, TwoBodyForecast.PositionRmse(truth, truth));
        // Positions off by δ = 0.3 in each of the four coordinates, velocities off by 100 (not scored): error δ.
        var shifted = truth.Select(s => s.Select((v, k) => v + (k < 4 ? 0.3 : 100)).ToArray()).ToArray();
        Assert.Equal(0.3, TwoBodyForecast.PositionRmse(shifted, truth), 12);
        // One coordinate off by 2 in one of 5 samples: √((4/4)/5).
        var one = truth.Select(s => (double[])s.Clone()).ToArray();
        one[2][1] += 2;
        Assert.Equal(Math.Sqrt(0.2), TwoBodyForecast.PositionRmse(one, truth), 12);
        Assert.Throws<ArgumentException>(() => TwoBodyForecast.PositionRmse(truth.Take(4).ToArray(), truth));
    }

    [Fact]
    public void A_diverging_forecast_is_a_result_with_infinite_error_and_its_time()
    {
        var truth = new[] { new double[8] };
        var f = TwoBodyForecast.Score("MNN", () => throw new IntegrationDivergedException(3.25, "non-finite state"), truth);
        Assert.Equal(double.PositiveInfinity, f.Rmse);
        Assert.Equal(3.25, f.DivergedAt);
        Assert.Empty(f.States);
    }

    [Fact]
    public void Two_body_protocol_forecasts_from_the_last_training_state_at_the_truth_times()
    {
        var p = new TwoBodyProtocol(seed: 1, steps: 100);
        Assert.Equal(100, p.Training.Length);
        Assert.Equal(100, p.Truth.Length);
        Assert.Equal(p.Training[^1], p.Truth[0]);
        Assert.Equal(p.Times.Length, p.Truth.Length);
        Assert.Equal(99 * p.Step, p.Times[^1], 12);
        Assert.Throws<ArgumentException>(() => new TwoBodyProtocol(1, 99));
    }

    [Fact]
    public void F16_plan_puts_sonode_first_drops_duplicates_and_keeps_the_first_mnn_model_named()
    {
        var plan = F16Plan.Parse("network, sonode,linear,network");
        Assert.Equal(new[] { "sonode", "network", "linear" }, plan.Models);
        Assert.Equal("network", plan.Kept);
        Assert.Null(F16Plan.Parse("sonode").Kept);
        Assert.Contains("--save writes an MNN model", Assert.Throws<ArgumentException>(() => F16Plan.Parse("sonode", saving: true)).Message);
        Assert.Contains("'lstm' is not a model", Assert.Throws<ArgumentException>(() => F16Plan.Parse("linear,lstm")).Message);
        Assert.Throws<ArgumentException>(() => F16Plan.Parse(" , "));
    }

    [Fact]
    public void F16_plan_keeps_the_kept_model_of_the_seed_with_the_lowest_train_mse()
    {
        var plan = F16Plan.Parse("linear,network");
        var (a, b, c) = (new MnnVibrationModel(0), new MnnVibrationModel(1), new MnnVibrationModel(2));
        VibrationResult Result(double mse) => new("m", 0, 1, mse, 0, -1, double.NaN, 0, [], []);
        plan.Offer("linear", a, Result(0.5));
        plan.Offer("linear", b, Result(0.2));
        plan.Offer("linear", c, Result(0.3));
        plan.Offer("network", new NetworkVibrationModel(0), Result(0.01));   // not the kept model
        Assert.Same(b, plan.Best);
        Assert.Equal(0.2, plan.BestTrainMse);
        Assert.IsAssignableFrom<ISavableModel>(plan.Best);
    }
}

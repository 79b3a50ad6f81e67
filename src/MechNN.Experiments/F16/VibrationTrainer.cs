using System.Diagnostics;
using MechNN.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Experiments.F16;

/// <summary>Outcome of one training run on the F-16 protocol.</summary>
public sealed record VibrationResult(string Model, long Seed, int Iterations, double TrainMse, double TestRunningRmse,
    int IterationsToReach, double SecondsToReach, double Seconds, double[] Forecast, double[] LossHistory);

/// <summary>
/// The SONODE protocol: Adam (lr 0.01) on the MSE over the first <c>trainSteps</c> samples; forecast the whole record;
/// report the train MSE, the mean running RMSE (window 300) over the unseen samples, and when a loss level was first reached.
/// </summary>
public static class VibrationTrainer
{
    /// <summary>Trains on the first <paramref name="trainSteps"/> samples, then evaluates the whole record.</summary>
    /// <param name="reachLoss">A train-loss level whose first crossing (iteration and seconds) is recorded.</param>
    public static VibrationResult Train(IVibrationModel model, double[] forcing, double[] target, long seed, TrainingOptions options, int trainSteps = 1000,
        double? reachLoss = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        var trainForcing = tensor(forcing, dtype: ScalarType.Float64).narrow(0, 0, trainSteps);
        var trainTarget = tensor(target.Take(trainSteps).ToArray(), dtype: ScalarType.Float64);
        var sw = Stopwatch.StartNew();
        int reachedAt = -1;
        double reachedSeconds = double.NaN;
        var watch = new ProgressTee(progress, p =>
        {
            if (reachLoss is { } level && reachedAt < 0 && p.Loss <= level) { reachedAt = p.Step; reachedSeconds = sw.Elapsed.TotalSeconds; }
        });
        var run = new Trainer(model.Parameters(), options with { ReportEvery = 1 })
            .Fit(_ => (model.Predict(trainForcing, target[0]) - trainTarget).square().mean(), watch, cancellation);
        double seconds = sw.Elapsed.TotalSeconds;
        return Evaluate(model, forcing, target, trainSteps) with
        {
            Seed = seed, Iterations = run.Steps, IterationsToReach = reachedAt, SecondsToReach = reachedSeconds, Seconds = seconds,
            LossHistory = run.LossHistory.ToArray(),
        };
    }

    /// <summary>The SONODE protocol's optimiser settings: Adam, learning rate 0.01.</summary>
    public static TrainingOptions Protocol(int iterations = 1000) => new() { Steps = iterations, LearningRate = 0.01 };


    /// <summary>
    /// The protocol's metrics of a model as it stands (trained here or loaded from a file): forecast of the whole record,
    /// train MSE on the first <c>trainSteps</c> samples, running RMSE over the rest. No iterations, so no loss history.
    /// </summary>
    public static VibrationResult Evaluate(IVibrationModel model, double[] forcing, double[] target, int trainSteps = 1000)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var forecast = model.Predict(tensor(forcing, dtype: ScalarType.Float64), target[0]).data<double>().ToArray();
        double trainMse = forecast.Take(trainSteps).Zip(target, (p, y) => (p - y) * (p - y)).Average();
        return new VibrationResult(model.Name, -1, 0, trainMse, RunningRmse(forecast, target, trainSteps, 300), -1, double.NaN, 0,
            forecast, Array.Empty<double>());
    }

    /// <summary>Mean over the unseen samples of the RMSE in a trailing window of <c>window</c> samples.</summary>
    public static double RunningRmse(double[] prediction, double[] target, int from, int window)
    {
        var values = new List<double>();
        for (int end = from + window; end <= target.Length; end++)
        {
            double s = 0;
            for (int k = end - window; k < end; k++) s += (prediction[k] - target[k]) * (prediction[k] - target[k]);
            values.Add(Math.Sqrt(s / window));
        }
        return values.Average();
    }
}

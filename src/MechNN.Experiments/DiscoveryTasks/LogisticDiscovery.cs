using MechNN.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Experiments.DiscoveryTasks;

/// <summary>How well the held-out trajectories' parameters were recovered.</summary>
/// <param name="Trajectories">Held-out trajectories.</param>
/// <param name="MedianErrorP1">Median of |p₁ − r|/r.</param>
/// <param name="MedianErrorP2">Median of |p₂ + r/K|/(r/K).</param>
/// <param name="CorrelationP1">Pearson correlation of p₁ and r.</param>
/// <param name="CorrelationP2">Pearson correlation of p₂ and −r/K.</param>
/// <param name="MedianAbsP0">Median |p₀|.</param>
/// <param name="MaxAbsP0">Largest |p₀|.</param>
/// <param name="Step">The learned step (the data's spacing is the gauge it started from).</param>
/// <param name="Truth">(r, −r/K) per held-out trajectory.</param>
/// <param name="Learned">(p₀, p₁, p₂) per held-out trajectory, in the data's time units (see <see cref="LogisticDiscovery.Evaluate"/>).</param>
public sealed record LogisticEvaluation(int Trajectories, double MedianErrorP1, double MedianErrorP2, double CorrelationP1, double CorrelationP2,
    double MedianAbsP0, double MaxAbsP0, double Step, (double R, double MinusROverK)[] Truth, double[][] Learned);

/// <summary>
/// The logistic protocol: the first 80% of the trajectories train the model (Adam, mini-batches of 64, loss
/// mean |u − x| + mean |v − x|), the last 20% are held out and their parameters compared with the truth.
/// </summary>
public static class LogisticDiscovery
{
    /// <summary>Optimiser settings: Adam at <paramref name="learningRate"/> for <paramref name="epochs"/> epochs of <paramref name="trainCount"/> trajectories.</summary>
    /// <param name="epochs">Epochs.</param>
    /// <param name="trainCount">Training trajectories.</param>
    /// <param name="batchSize">Trajectories per step.</param>
    /// <param name="learningRate">Adam's rate.</param>
    /// <param name="seed">Torch seed.</param>
    /// <returns>Options for <see cref="Trainer"/>.</returns>
    public static TrainingOptions Protocol(int epochs, int trainCount, int batchSize = 64, double learningRate = 1e-3, long seed = 0) =>
        new() { Steps = epochs * ((trainCount + batchSize - 1) / batchSize), LearningRate = learningRate, Seed = seed, ReportEvery = 10 };

    /// <summary>Splits 80/20 (first 80% train).</summary>
    /// <param name="data">The data set.</param>
    /// <returns>The number of training trajectories.</returns>
    public static int TrainCount(LogisticGrowth data) => (int)Math.Round(0.8 * data.Count);

    /// <summary>Trains on the first 80%.</summary>
    /// <param name="model">The model.</param>
    /// <param name="data">The data set.</param>
    /// <param name="options">Budget and Adam settings (<see cref="Protocol"/>).</param>
    /// <param name="batchSize">Trajectories per step.</param>
    /// <param name="progress">Progress reports.</param>
    /// <param name="cancellation">Stops training.</param>
    /// <returns>What the run did.</returns>
    public static TrainingResult Train(LogisticModel model, LogisticGrowth data, TrainingOptions options, int batchSize = 64,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        int train = TrainCount(data);
        var x = tensor(data.Noisy.Take(train).SelectMany(r => r).ToArray(), dtype: ScalarType.Float64).reshape(train, data.Noisy[0].Length);
        var batches = new Minibatches(train, batchSize, options.Seed ?? 0);
        return new Trainer(model, options).Fit(step =>
        {
            var batch = x.index_select(0, tensor(batches.Indices(step)));
            var o = model.forward(batch);
            return (o.Solution - batch).abs().mean() + (o.Denoised - batch).abs().mean();
        }, progress, cancellation);
    }

    /// <summary>
    /// Compares the held-out 20%'s parameters with the truth. The solver integrates u' = p₀ + p₁v + p₂v² over steps of the
    /// learned length h, while the samples are Δ apart in time: the network's p are rates per unit of the solver's time,
    /// so in the data's time they are p·h/Δ (the step and the p's share one time-scale gauge, and only their product is
    /// identified). The comparison is made in the data's units.
    /// </summary>
    /// <param name="model">The trained model.</param>
    /// <param name="data">The data set.</param>
    /// <returns>The recovery metrics.</returns>
    public static LogisticEvaluation Evaluate(LogisticModel model, LogisticGrowth data)
    {
        int train = TrainCount(data), test = data.Count - train;
        if (test < 2) throw new ArgumentException($"{data.Count} trajectories leave {test} held out; at least 2 are needed");
        double[] p;
        using (no_grad())
        using (NewDisposeScope())
        {
            var x = tensor(data.Noisy.Skip(train).SelectMany(r => r).ToArray(), dtype: ScalarType.Float64).reshape(test, data.Noisy[0].Length);
            p = model.forward(x).Parameters.data<double>().ToArray();
        }
        double toDataTime = model.Step / data.Step;
        var learned = Enumerable.Range(0, test).Select(i => new[] { p[3 * i] * toDataTime, p[3 * i + 1] * toDataTime, p[3 * i + 2] * toDataTime }).ToArray();
        var truth = Enumerable.Range(train, test).Select(i => (data.Rates[i], -data.Rates[i] / data.Capacities[i])).ToArray();
        var e1 = learned.Zip(truth, (l, t) => Math.Abs(l[1] - t.Item1) / Math.Abs(t.Item1)).ToArray();
        var e2 = learned.Zip(truth, (l, t) => Math.Abs(l[2] - t.Item2) / Math.Abs(t.Item2)).ToArray();
        var p0 = learned.Select(l => Math.Abs(l[0])).ToArray();
        return new LogisticEvaluation(test, Median(e1), Median(e2),
            Correlation(learned.Select(l => l[1]).ToArray(), truth.Select(t => t.Item1).ToArray()),
            Correlation(learned.Select(l => l[2]).ToArray(), truth.Select(t => t.Item2).ToArray()),
            Median(p0), p0.Max(), model.Step, truth, learned);
    }

    private static double Median(double[] values)
    {
        var s = values.OrderBy(v => v).ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : 0.5 * (s[s.Length / 2 - 1] + s[s.Length / 2]);
    }

    private static double Correlation(double[] a, double[] b)
    {
        double ma = a.Average(), mb = b.Average();
        double cov = a.Zip(b, (x, y) => (x - ma) * (y - mb)).Sum();
        return cov / Math.Sqrt(a.Sum(x => (x - ma) * (x - ma)) * b.Sum(y => (y - mb) * (y - mb)));
    }
}

using MechNN.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Experiments.DiscoveryTasks;

/// <summary>How well the held-out trajectories' parameters were recovered.</summary>
/// <param name="First">Index of the first scored trajectory in the data set.</param>
/// <param name="Trajectories">Scored trajectories (held out, or the validation set).</param>
/// <param name="MedianErrorP1">Median of |p₁ − r|/r.</param>
/// <param name="MedianErrorP2">Median of |p₂ + r/K|/(r/K).</param>
/// <param name="CorrelationP1">Pearson correlation of p₁ and r.</param>
/// <param name="CorrelationP2">Pearson correlation of p₂ and −r/K.</param>
/// <param name="MedianAbsP0">Median |p₀|.</param>
/// <param name="MaxAbsP0">Largest |p₀|.</param>
/// <param name="Step">The learned step (the data's spacing is the gauge it started from).</param>
/// <param name="Truth">(r, −r/K) per scored trajectory.</param>
/// <param name="Learned">(p₀, p₁, p₂) per scored trajectory, in the data's time units (see <see cref="LogisticDiscovery.Evaluate"/>).</param>
public sealed record LogisticEvaluation(int First, int Trajectories, double MedianErrorP1, double MedianErrorP2, double CorrelationP1, double CorrelationP2,
    double MedianAbsP0, double MaxAbsP0, double Step, (double R, double MinusROverK)[] Truth, double[][] Learned);

/// <summary>
/// The logistic protocol: the first 80% of the trajectories train the model (Adam, mini-batches of 64, loss
/// mean |u − x| + mean |v − x|), the last 20% are held out and their parameters compared with the truth.
/// </summary>
public static class LogisticDiscovery
{
    /// <summary>
    /// Optimiser settings: Adam for <paramref name="epochs"/> epochs of <paramref name="trainCount"/> trajectories, the rate
    /// falling from <paramref name="learningRate"/> to <paramref name="learningRate"/>·<paramref name="finalFactor"/> on a
    /// half cosine (1: constant).
    /// </summary>
    /// <param name="epochs">Epochs.</param>
    /// <param name="trainCount">Training trajectories.</param>
    /// <param name="batchSize">Trajectories per step.</param>
    /// <param name="learningRate">Adam's initial rate.</param>
    /// <param name="seed">Torch seed.</param>
    /// <param name="finalFactor">The last step's rate over the first's, in (0, 1].</param>
    /// <returns>Options for <see cref="Trainer"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="finalFactor"/> outside (0, 1].</exception>
    public static TrainingOptions Protocol(int epochs, int trainCount, int batchSize = 64, double learningRate = 1e-3, long seed = 0, double finalFactor = 1)
    {
        if (!(finalFactor > 0 && finalFactor <= 1)) throw new ArgumentException($"the final learning-rate factor must lie in (0, 1] (got {finalFactor})");
        int steps = epochs * ((trainCount + batchSize - 1) / batchSize);
        var schedule = finalFactor == 1 ? LearningRateSchedule.Constant
            : new LearningRateSchedule(step => finalFactor + (1 - finalFactor) * 0.5 * (1 + Math.Cos(Math.PI * step / Math.Max(1, steps - 1))), $"cosine to ×{finalFactor:G3}");
        return new() { Steps = steps, LearningRate = learningRate, Schedule = schedule, Seed = seed, ReportEvery = 10 };
    }

    /// <summary>Splits 80/20 (first 80% train).</summary>
    /// <param name="data">The data set.</param>
    /// <returns>The number of training trajectories (validation included).</returns>
    public static int TrainCount(LogisticGrowth data) => (int)Math.Round(0.8 * data.Count);

    /// <summary>The trajectories a model is scored on: the held-out 20%, or with <paramref name="validation"/> &gt; 0 the last <paramref name="validation"/> of the training 80%.</summary>
    /// <param name="data">The data set.</param>
    /// <param name="validation">Validation trajectories carved out of the training 80% (0: none).</param>
    /// <returns>First index and count.</returns>
    /// <exception cref="ArgumentException">The validation set leaves fewer than one training trajectory, or the scored set has fewer than 2.</exception>
    public static (int Start, int Count) Scored(LogisticGrowth data, int validation = 0)
    {
        int train = TrainCount(data);
        if (validation < 0 || validation >= train) throw new ArgumentException($"--validation must lie in [0, {train - 1}] for {data.Count} trajectories (got {validation})");
        var scored = validation > 0 ? (train - validation, validation) : (train, data.Count - train);
        if (scored.Item2 < 2) throw new ArgumentException($"{data.Count} trajectories leave {scored.Item2} to score; at least 2 are needed");
        return scored;
    }

    /// <summary>Trains on the first 80%, less the last <paramref name="validation"/> of them.</summary>
    /// <param name="model">The model.</param>
    /// <param name="data">The data set.</param>
    /// <param name="options">Budget and Adam settings (<see cref="Protocol"/>).</param>
    /// <param name="batchSize">Trajectories per step.</param>
    /// <param name="validation">Training trajectories kept back for validation (<see cref="Scored"/>).</param>
    /// <param name="distill">Weight w of a self-supervised term w·mean |p − p̂| that pulls the parameter network's output p
    /// towards each training trajectory's own least-squares fit p̂ through the model's solve
    /// (<see cref="LogisticModel.RefinedParameters(Tensor, Tensor)"/>, computed from the observed x alone, no labels, no
    /// gradient). 0: off.</param>
    /// <param name="progress">Progress reports.</param>
    /// <param name="cancellation">Stops training.</param>
    /// <returns>What the run did.</returns>
    /// <exception cref="ArgumentException">A negative <paramref name="distill"/>.</exception>
    public static TrainingResult Train(LogisticModel model, LogisticGrowth data, TrainingOptions options, int batchSize = 64, int validation = 0,
        double distill = 0, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        if (!(distill >= 0)) throw new ArgumentException($"the distillation weight must be ≥ 0 (got {distill})");
        Scored(data, validation);
        int train = TrainCount(data) - validation;
        var x = tensor(data.Noisy.Take(train).SelectMany(r => r).ToArray(), dtype: ScalarType.Float64).reshape(train, data.Noisy[0].Length);
        var batches = new Minibatches(train, batchSize, options.Seed ?? 0);
        return new Trainer(model, options).Fit(step =>
        {
            var batch = x.index_select(0, tensor(batches.Indices(step)));
            var o = model.forward(batch);
            var loss = (o.Solution - batch).abs().mean() + (o.Denoised - batch).abs().mean();
            return distill > 0 ? loss + distill * (o.Parameters - model.RefinedParameters(batch, o.Denoised.detach())).abs().mean() : loss;
        }, progress, cancellation);
    }

    /// <summary>
    /// Compares the held-out 20%'s (or the validation set's) parameters with the truth. The solver integrates u' = p₀ + p₁v + p₂v² over steps of the
    /// learned length h, while the samples are Δ apart in time: the network's p are rates per unit of the solver's time,
    /// so in the data's time they are p·h/Δ (the step and the p's share one time-scale gauge, and only their product is
    /// identified). The comparison is made in the data's units.
    /// </summary>
    /// <param name="model">The trained model.</param>
    /// <param name="data">The data set.</param>
    /// <param name="validation">Score the last <paramref name="validation"/> training trajectories instead (<see cref="Scored"/>).</param>
    /// <param name="refine">Score <see cref="LogisticModel.RefinedParameters(Tensor)"/> (each trajectory's least-squares p through the
    /// model's solve) instead of the parameter network's output.</param>
    /// <returns>The recovery metrics.</returns>
    public static LogisticEvaluation Evaluate(LogisticModel model, LogisticGrowth data, int validation = 0, bool refine = false)
    {
        var (start, count) = Scored(data, validation);
        double[] p;
        using (no_grad())
        using (NewDisposeScope())
        {
            var x = tensor(data.Noisy.Skip(start).Take(count).SelectMany(r => r).ToArray(), dtype: ScalarType.Float64).reshape(count, data.Noisy[0].Length);
            p = (refine ? model.RefinedParameters(x) : model.forward(x).Parameters).data<double>().ToArray();
        }
        double toDataTime = model.Step / data.Step;
        var learned = Enumerable.Range(0, count).Select(i => new[] { p[3 * i] * toDataTime, p[3 * i + 1] * toDataTime, p[3 * i + 2] * toDataTime }).ToArray();
        var truth = Enumerable.Range(start, count).Select(i => (data.Rates[i], -data.Rates[i] / data.Capacities[i])).ToArray();
        var e1 = learned.Zip(truth, (l, t) => Math.Abs(l[1] - t.Item1) / Math.Abs(t.Item1)).ToArray();
        var e2 = learned.Zip(truth, (l, t) => Math.Abs(l[2] - t.Item2) / Math.Abs(t.Item2)).ToArray();
        var p0 = learned.Select(l => Math.Abs(l[0])).ToArray();
        return new LogisticEvaluation(start, count, Median(e1), Median(e2),
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

using MechNN.Training;
using static TorchSharp.torch;

namespace MechNN.Experiments.Darcy.Models;

/// <summary>One epoch of a Darcy run as reported.</summary>
/// <param name="Epoch">Epochs completed (1-based).</param>
/// <param name="TrainLoss">Mean relative L2 per training sample over the epoch's steps.</param>
/// <param name="Monitored">Mean relative L2 on the monitored set (validation, or test when none is held out), when evaluated.</param>
/// <param name="Seconds">Wall time of the epoch, its evaluation included.</param>
public sealed record DarcyEpoch(int Epoch, double TrainLoss, double? Monitored, double Seconds);

/// <summary>What a Darcy run produced.</summary>
/// <param name="Model">Model kind.</param>
/// <param name="Epochs">Epochs completed in total.</param>
/// <param name="History">The epochs this process ran (a resumed run lists only its own).</param>
/// <param name="Validation">Mean relative L2 on the held-out training samples at the end (null when none were held out).</param>
/// <param name="TestFirst100">Mean relative L2 on the first 100 test samples (all of them when fewer).</param>
/// <param name="TestAll">Mean relative L2 on every test sample.</param>
/// <param name="SecondsPerEpoch">Mean seconds per epoch of this process, the first epoch excluded when there are more (warm-up).</param>
/// <param name="Parameters">Trainable parameters.</param>
public sealed record DarcyResult(string Model, int Epochs, IReadOnlyList<DarcyEpoch> History, double? Validation, double TestFirst100, double TestAll,
    double SecondsPerEpoch, long Parameters);

/// <summary>
/// Trains a <see cref="DarcyModel"/> with the shared <see cref="Trainer"/> on the benchmark protocol and scores it.
/// The gradient is that of the relative L2 summed over the batch, as the reference script back-propagates
/// (<c>LpLoss(size_average=False)</c>; this fixes how strongly Adam's weight decay acts); reports divide by the batch size.
/// Batches are drawn by <see cref="Minibatches"/> and gathered on the model's device, the epoch order uploaded once per
/// epoch, so a step needs no host round trip and a resumed run is exact. With a communicator in the options
/// (<see cref="TrainingOptions.Communicator"/>) each replica trains on its slice of every batch.
/// </summary>
public static class DarcyTrainer
{
    /// <summary>The training options of <paramref name="protocol"/> for a training set of <paramref name="trainCount"/> samples (no validation yet).</summary>
    /// <param name="protocol">The protocol.</param>
    /// <param name="trainCount">Training samples.</param>
    /// <returns>Steps, optimiser, schedule, seed and one report per epoch.</returns>
    public static TrainingOptions Options(DarcyProtocol protocol, int trainCount)
    {
        int perEpoch = Math.Max(1, trainCount / Math.Min(protocol.BatchSize, trainCount));
        return new TrainingOptions
        {
            Steps = protocol.Epochs * perEpoch, LearningRate = protocol.LearningRate, WeightDecay = protocol.WeightDecay,
            Schedule = LearningRateSchedule.Step(protocol.DecayEpochs * perEpoch, protocol.Gamma), Seed = protocol.Seed,
            ReportEvery = perEpoch, ValidateEvery = protocol.ValidateEpochs * perEpoch,
        };
    }

    /// <summary>Trains <paramref name="model"/> (already on the data's device) and scores it on the test set.</summary>
    /// <param name="model">The model.</param>
    /// <param name="data">The split.</param>
    /// <param name="protocol">The protocol.</param>
    /// <param name="configure">Adds checkpointing to the options (identity when null).</param>
    /// <param name="progress">Receives one report per epoch, its loss per sample.</param>
    /// <param name="epochs">Receives each epoch's record.</param>
    /// <param name="cancellation">Stops training cleanly.</param>
    /// <returns>The result.</returns>
    /// <exception cref="OperationCanceledException">Cancelled (the checkpoint, if any, is written).</exception>
    public static DarcyResult Train(DarcyModel model, DarcySplit data, DarcyProtocol protocol, Func<TrainingOptions, TrainingOptions>? configure = null,
        IProgress<TrainingProgress>? progress = null, Action<DarcyEpoch>? epochs = null, CancellationToken cancellation = default)
    {
        protocol.Validated();
        var batches = new Minibatches(data.TrainCount, protocol.BatchSize, protocol.Seed, dropLast: true);
        var (monitorA, monitorU) = data.ValidationCount > 0 ? (data.ValidationA, data.ValidationU) : (data.TestA, data.TestU);
        var options = Options(protocol, data.TrainCount) with { Validation = () => Evaluate(model, monitorA, monitorU, protocol.BatchSize).Average() };
        options = configure?.Invoke(options) ?? options;
        // Data parallel: this replica trains on its contiguous slice of every batch; the trainer sums the slices' losses.
        var (rank, world) = options.Communicator is { } c ? (c.Rank, c.WorldSize) : (0, 1);
        if (batches.BatchSize < world) throw new ArgumentException($"batch size {batches.BatchSize} is smaller than the {world} replicas: every replica needs a sample");
        long shardStart = (long)batches.BatchSize * rank / world, shardCount = (long)batches.BatchSize * (rank + 1) / world - shardStart;
        var history = new List<DarcyEpoch>();
        var last = TimeSpan.Zero;
        var report = new SynchronousProgress<TrainingProgress>(p =>
        {
            var perSample = p with { Loss = p.Loss / batches.BatchSize };
            var epoch = new DarcyEpoch(p.Step / batches.PerEpoch, perSample.Loss, p.Validation, (p.Elapsed - last).TotalSeconds);
            last = p.Elapsed;
            history.Add(epoch);
            epochs?.Invoke(epoch);
            progress?.Report(perSample);
        });

        var trainable = model.parameters().Where(p => p.requires_grad).ToList();
        Tensor? order = null;
        int orderEpoch = -1;
        try
        {
            var result = new Trainer(trainable, options).Fit(step =>
            {
                int epoch = batches.Epoch(step);
                if (epoch != orderEpoch)
                {
                    order?.Dispose();
                    var indices = Enumerable.Range(0, batches.PerEpoch).SelectMany(j => batches.Indices(epoch * batches.PerEpoch + j)).ToArray();
                    order = tensor(indices, device: data.TrainA.device).DetachFromDisposeScope();
                    orderEpoch = epoch;
                }
                var batch = order!.narrow(0, (step % batches.PerEpoch) * batches.BatchSize + shardStart, shardCount);
                return RelativeL2.Sum(model.forward(data.TrainA.index_select(0, batch)), data.TrainU.index_select(0, batch));
            }, report, cancellation);
            var test = Evaluate(model, data.TestA, data.TestU, protocol.BatchSize);
            var timed = history.Count > 1 ? history.Skip(1) : history;
            return new DarcyResult(model.Kind, result.Steps / batches.PerEpoch, history,
                data.ValidationCount > 0 ? Evaluate(model, data.ValidationA, data.ValidationU, protocol.BatchSize).Average() : null,
                test.Take(100).Average(), test.Average(), timed.Any() ? timed.Average(e => e.Seconds) : double.NaN, trainable.Sum(p => p.numel()));
        }
        finally
        {
            order?.Dispose();
        }
    }

    /// <summary>Scores a model without training it (a loaded model).</summary>
    /// <param name="model">The model.</param>
    /// <param name="data">The split.</param>
    /// <param name="batchSize">Samples per forward pass.</param>
    /// <returns>The result, with no epochs.</returns>
    public static DarcyResult Score(DarcyModel model, DarcySplit data, int batchSize)
    {
        var test = Evaluate(model, data.TestA, data.TestU, batchSize);
        return new DarcyResult(model.Kind, 0, Array.Empty<DarcyEpoch>(),
            data.ValidationCount > 0 ? Evaluate(model, data.ValidationA, data.ValidationU, batchSize).Average() : null,
            test.Take(100).Average(), test.Average(), double.NaN, model.parameters().Sum(p => p.numel()));
    }

    /// <summary>Relative L2 error of every sample, computed in batches without a graph and read back once.</summary>
    /// <param name="model">The model.</param>
    /// <param name="a">(N, s, s) coefficients.</param>
    /// <param name="u">(N, s, s) solutions.</param>
    /// <param name="batchSize">Samples per forward pass.</param>
    /// <returns>N errors.</returns>
    public static double[] Evaluate(DarcyModel model, Tensor a, Tensor u, int batchSize)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        long n = a.shape[0];
        var errors = new List<Tensor>();
        for (long start = 0; start < n; start += batchSize)
        {
            long count = Math.Min(batchSize, n - start);
            errors.Add(RelativeL2.PerSample(model.forward(a.narrow(0, start, count)), u.narrow(0, start, count)));
        }
        return cat(errors, 0).to_type(ScalarType.Float64).cpu().data<double>().ToArray();
    }

    /// <summary>Predictions for the first <paramref name="count"/> samples of <paramref name="a"/>, on the CPU.</summary>
    /// <param name="model">The model.</param>
    /// <param name="a">(N, s, s) coefficients.</param>
    /// <param name="count">Samples to predict.</param>
    /// <returns>(count, s, s) float32 on the CPU.</returns>
    public static Tensor Predict(DarcyModel model, Tensor a, int count)
    {
        using var noGrad = no_grad();
        return model.forward(a.narrow(0, 0, Math.Min(count, a.shape[0]))).cpu();
    }
}

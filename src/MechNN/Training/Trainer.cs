using System.Diagnostics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MechNN.Training;

/// <summary>
/// The one training loop: Adam steps on a loss the caller computes for each step index, with progress reports,
/// validation, early stopping and checkpoint/resume.
/// </summary>
/// <remarks>
/// Resuming reproduces an uninterrupted run exactly when the loss is a pure function of the step index and the
/// parameters (draw mini-batches with <see cref="Minibatches"/>, which derives each epoch's order from a seed): the
/// checkpoint holds the parameters, Adam's moments and step counts, torch's CPU generator, the loss history and the
/// early-stopping state, and the learning-rate schedule is a function of the step. With a
/// <see cref="TrainingOptions.Communicator"/> it is the data-parallel loop: each replica computes its shard's loss, one
/// all-reduce per step sums gradients and losses, and every replica takes the same Adam step; a checkpoint holds no
/// replica count, so a run resumes on any number of replicas.
/// </remarks>
public sealed class Trainer
{
    private readonly IReadOnlyList<Parameter> _parameters;
    private readonly TrainingOptions _options;

    /// <summary>A trainer of the given parameters (their order is how a checkpoint matches them up).</summary>
    /// <param name="parameters">The parameters to optimise.</param>
    /// <param name="options">How to train.</param>
    /// <exception cref="ArgumentException">No parameters, or an option out of range.</exception>
    public Trainer(IEnumerable<Parameter> parameters, TrainingOptions options)
    {
        _parameters = parameters.ToList();
        if (_parameters.Count == 0) throw new ArgumentException("nothing to train: the model has no parameters");
        options.Validate();
        _options = options;
    }

    /// <summary>A trainer of every parameter of <paramref name="module"/>.</summary>
    /// <param name="module">The model.</param>
    /// <param name="options">How to train.</param>
    public Trainer(nn.Module module, TrainingOptions options) : this(module.parameters(), options) { }

    /// <summary>Runs the remaining steps (all of them, unless a checkpoint is resumed).</summary>
    /// <param name="loss">Step index (0-based) → scalar loss tensor with a graph to the parameters.</param>
    /// <param name="progress">Receives a report every <see cref="TrainingOptions.ReportEvery"/> steps, synchronously.</param>
    /// <param name="cancellation">Cancelling stops before the next step, after writing a checkpoint when one is configured.</param>
    /// <returns>What the run did.</returns>
    /// <exception cref="OperationCanceledException">Cancelled; the checkpoint (if any) holds the state at the last completed step.</exception>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite; the last checkpoint is kept as it was.</exception>
    /// <exception cref="IO.ModelFiles.ModelFileException">The checkpoint to resume from is unreadable or belongs to another model.</exception>
    /// <exception cref="Distributed.DistributedException">With <see cref="TrainingOptions.Communicator"/>: another replica failed or hung.</exception>
    public TrainingResult Fit(Func<int, Tensor> loss, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        var communicator = _options.Communicator;
        try
        {
            return Run(loss, communicator is null || communicator.Rank == 0 ? progress : null, cancellation);
        }
        catch (Exception e) when (communicator is not null && e is not Distributed.DistributedException and not OperationCanceledException)
        {
            communicator.Abort($"replica {communicator.Rank} failed: {e.Message}");
            throw;
        }
    }

    private TrainingResult Run(Func<int, Tensor> loss, IProgress<TrainingProgress>? progress, CancellationToken cancellation)
    {
        var o = _options;
        var replicas = o.Communicator;
        bool ownsProcess = replicas?.OwnsProcess ?? true;
        var adam = optim.Adam(_parameters, lr: o.LearningRate, weight_decay: o.WeightDecay);
        var state = new TrainingState();
        if (o.Resume && o.CheckpointPath is { } resumePath && File.Exists(resumePath))
            state = TrainingCheckpoint.Restore(resumePath, _parameters, adam, restoreRandomState: ownsProcess);
        else if (o.Seed is { } seed && ownsProcess)
            manual_seed(seed);
        if (replicas is not null) Distributed.ReplicaSync.BroadcastParameters(replicas, _parameters);
        int resumedFrom = state.Step;

        var clock = Stopwatch.StartNew();
        Tensor? sum = null;
        int inGroup = 0;
        double rate = o.LearningRate;
        bool stop = false;                                                       // with replicas: any replica asked
        try
        {
            while (state.Step < o.Steps && !state.Stopped)
            {
                if (replicas is null ? cancellation.IsCancellationRequested : stop)
                {
                    Checkpoint(state, adam, clock);
                    throw new OperationCanceledException($"training cancelled after step {state.Step} of {o.Steps}" +
                        (o.CheckpointPath is { } saved ? $"; resume from {saved}" : ""), cancellation);
                }
                rate = o.LearningRate * o.Schedule.Factor(state.Step);
                foreach (var group in adam.ParamGroups) group.LearningRate = rate;
                using (var scope = NewDisposeScope())
                {
                    adam.zero_grad();
                    var value = loss(state.Step);
                    if (value.numel() != 1) throw new ArgumentException($"the loss of step {state.Step} has shape [{string.Join(", ", value.shape)}], expected a scalar");
                    value.backward();
                    if (replicas is not null)
                        (value, stop) = Distributed.ReplicaSync.AllReduce(replicas, _parameters, value, cancellation.IsCancellationRequested);
                    AdamStep.Apply(adam);
                    using var noGrad = no_grad();
                    var detached = value.detach().to_type(ScalarType.Float64).reshape(1);
                    if (sum is null) { sum = detached.clone(); sum.MoveToOuterDisposeScope(); }
                    else sum.add_(detached);
                }
                state.Step++;
                inGroup++;
                if (inGroup == o.ReportEvery || state.Step == o.Steps)
                {
                    double mean = sum!.cpu().item<double>() / inGroup;
                    sum.Dispose();
                    sum = null;
                    inGroup = 0;
                    if (!double.IsFinite(mean)) throw new TrainingDivergedException(state.Step, mean, o.CheckpointPath);
                    state.History.Add(mean);
                    bool validated = false;
                    if (o.Validation is { } validate && (state.Step % o.ValidateEvery == 0 || state.Step == o.Steps))
                    {
                        double? value = null;
                        if (replicas is null || replicas.Rank == 0)
                        {
                            using var noGrad = no_grad();
                            using var scope = NewDisposeScope();
                            value = validate();
                        }
                        state.Validation = replicas is null ? value : Distributed.ReplicaSync.BroadcastScalar(replicas, value, _parameters[0].device);
                        if (state.Validation is { } checkedValue) state.ValidationHistory.Add((state.Step, checkedValue));
                        validated = true;
                    }
                    if (o.EarlyStopping is { } early && (o.Validation is null || validated))
                        state.Observe(o.Validation is null ? mean : state.Validation!.Value, early);
                    if (mean < o.TargetLoss) state.Stopped = true;
                    progress?.Report(new TrainingProgress(state.Step, o.Steps, mean, state.Validation, rate, clock.Elapsed));
                }
                if (state.Step % o.CheckpointEvery == 0) Checkpoint(state, adam, clock);
            }
        }
        finally
        {
            sum?.Dispose();
        }
        if (state.Step % o.CheckpointEvery != 0 || state.Step == resumedFrom) Checkpoint(state, adam, clock);
        return new TrainingResult(state.Step, state.History.Count > 0 ? state.History[^1] : double.NaN, state.History, state.Validation,
            state.Stopped, resumedFrom, clock.Elapsed, state.ValidationHistory, TimeSpan.FromSeconds(state.EarlierSeconds) + clock.Elapsed);
    }

    /// <summary>Rank 0 writes; the others wait for it, so no replica reads or outruns a half-written checkpoint.</summary>
    private void Checkpoint(TrainingState state, Adam adam, Stopwatch clock)
    {
        if (_options.CheckpointPath is not { } path) return;
        var replicas = _options.Communicator;
        if (replicas is null || replicas.Rank == 0) TrainingCheckpoint.Save(path, state, _parameters, adam, state.EarlierSeconds + clock.Elapsed.TotalSeconds);
        replicas?.Barrier();
    }
}

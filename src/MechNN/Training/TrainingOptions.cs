namespace MechNN.Training;

/// <summary>
/// How a <see cref="Trainer"/> runs: Adam's settings, the step budget, where and how often it checkpoints, and when it
/// stops early. Every field has a default, so <c>new TrainingOptions { Steps = 500 }</c> is a complete configuration.
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>Optimisation steps to run in total (a resumed run counts the steps it already made).</summary>
    public int Steps { get; init; } = 1000;

    /// <summary>Adam's base learning rate; <see cref="Schedule"/> scales it per step.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>L2 penalty added to the gradient (PyTorch Adam's <c>weight_decay</c>).</summary>
    public double WeightDecay { get; init; }

    /// <summary>Factor on <see cref="LearningRate"/> at each step; <see cref="LearningRateSchedule.Constant"/> by default.</summary>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;

    /// <summary>Seeds torch's generator when a run starts fresh (a resumed run restores the generator's state instead).</summary>
    public long? Seed { get; init; }

    /// <summary>File the run's state is written to (atomically) every <see cref="CheckpointEvery"/> steps, on cancellation and at the end; null: none.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Steps between checkpoints: a run killed outright loses at most this many steps.</summary>
    public int CheckpointEvery { get; init; } = 100;

    /// <summary>Continue from <see cref="CheckpointPath"/> when that file exists (a fresh start otherwise).</summary>
    public bool Resume { get; init; }

    /// <summary>Read the loss back from the device every this many steps (each read synchronises a GPU); the history holds the mean of each group.</summary>
    public int ReportEvery { get; init; } = 1;

    /// <summary>A validation metric (lower is better) evaluated every <see cref="ValidateEvery"/> steps and reported; null: none.</summary>
    public Func<double>? Validation { get; init; }

    /// <summary>Steps between validations.</summary>
    public int ValidateEvery { get; init; } = 100;

    /// <summary>Stop as soon as a reported training loss is below this (a fit to a known target); null: never.</summary>
    public double? TargetLoss { get; init; }

    /// <summary>Stop when the monitored value stops improving; null: run all <see cref="Steps"/>.</summary>
    public EarlyStopping? EarlyStopping { get; init; }

    /// <summary>
    /// Data-parallel training: this replica's communicator (null: one replica). Each replica's loss must be its share
    /// of the whole batch's loss — a sum over its shard (<see cref="Minibatches.Shard"/>) of per-sample terms, scaled
    /// like the one-replica loss (for a mean over the batch: the shard's sum divided by the whole batch size) — so that
    /// the summed gradients and losses equal one replica's on the whole batch. Rank 0 alone writes checkpoints,
    /// reports progress and runs <see cref="Validation"/>; every replica gets the same decisions.
    /// </summary>
    public Distributed.ICommunicator? Communicator { get; init; }

    /// <summary>Checks every field, naming the first that is out of range.</summary>
    /// <exception cref="ArgumentException">A field is out of range.</exception>
    public void Validate()
    {
        if (Steps < 0) throw new ArgumentException($"training steps must be ≥ 0 (got {Steps})");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw new ArgumentException($"learning rate must be a positive number (got {LearningRate})");
        if (!(WeightDecay >= 0) || double.IsInfinity(WeightDecay)) throw new ArgumentException($"weight decay must be ≥ 0 (got {WeightDecay})");
        if (CheckpointEvery < 1) throw new ArgumentException($"checkpoint interval must be ≥ 1 step (got {CheckpointEvery})");
        if (ReportEvery < 1) throw new ArgumentException($"report interval must be ≥ 1 step (got {ReportEvery})");
        if (ValidateEvery < 1) throw new ArgumentException($"validation interval must be ≥ 1 step (got {ValidateEvery})");
        if (Resume && CheckpointPath is null) throw new ArgumentException("resuming needs a checkpoint path");
        EarlyStopping?.Validate();
    }
}

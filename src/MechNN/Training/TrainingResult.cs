namespace MechNN.Training;

/// <summary>What a <see cref="Trainer"/> run did.</summary>
/// <param name="Steps">Steps completed in total (including those before a resume).</param>
/// <param name="FinalLoss">The last reported training loss (NaN when no step ran).</param>
/// <param name="LossHistory">Every reported loss in order, one per <see cref="TrainingOptions.ReportEvery"/> steps (a resumed run includes the earlier ones).</param>
/// <param name="Validation">The last validation metric, if any was evaluated.</param>
/// <param name="StoppedEarly">Early stopping ended the run before its step budget.</param>
/// <param name="ResumedFrom">Step the run resumed from (0 for a fresh start).</param>
/// <param name="Elapsed">Wall time of this process's part of the run.</param>
/// <param name="ValidationHistory">Every validation as (step, value), in order (a resumed run includes the earlier ones).</param>
/// <param name="TotalElapsed">Training wall time of the whole run, the processes before a resume included.</param>
public sealed record TrainingResult(int Steps, double FinalLoss, IReadOnlyList<double> LossHistory, double? Validation, bool StoppedEarly,
    int ResumedFrom, TimeSpan Elapsed, IReadOnlyList<(int Step, double Value)> ValidationHistory, TimeSpan TotalElapsed);

namespace MechNN.Training;

/// <summary>One report of a running <see cref="Trainer"/>.</summary>
/// <param name="Step">Steps completed so far (1-based count, including those before a resume).</param>
/// <param name="Steps">Steps the run will make in total.</param>
/// <param name="Loss">Mean training loss over the steps since the previous report.</param>
/// <param name="Validation">The latest validation metric, when one is configured and has been evaluated.</param>
/// <param name="LearningRate">The learning rate of the last step.</param>
/// <param name="Elapsed">Wall time of this process's part of the run.</param>
public sealed record TrainingProgress(int Step, int Steps, double Loss, double? Validation, double LearningRate, TimeSpan Elapsed);

namespace MechNN.Training;

/// <summary>The training loss became NaN or infinite: the run stops rather than train on garbage.</summary>
/// <param name="step">The step (1-based count) whose report was not finite.</param>
/// <param name="loss">The value reported.</param>
/// <param name="checkpoint">The checkpoint that still holds the last state written before it, if any.</param>
public sealed class TrainingDivergedException(int step, double loss, string? checkpoint)
    : ArithmeticException($"training diverged: loss {loss} at step {step}" +
        (checkpoint is null ? "" : $"; {checkpoint} keeps the last checkpointed state") + " (lower the learning rate?)")
{
    /// <summary>The step whose loss was not finite.</summary>
    public int Step { get; } = step;
}

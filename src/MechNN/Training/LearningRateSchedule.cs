namespace MechNN.Training;

/// <summary>
/// The learning-rate factor as a pure function of the step index, so a resumed run continues exactly where the
/// interrupted one was (no scheduler state to save).
/// </summary>
/// <param name="Factor">Step index (0-based) → factor on the base learning rate.</param>
/// <param name="Description">How the schedule reads in logs.</param>
public sealed record LearningRateSchedule(Func<int, double> Factor, string Description)
{
    /// <summary>The base rate at every step.</summary>
    public static LearningRateSchedule Constant { get; } = new(_ => 1, "constant");

    /// <summary>PyTorch's StepLR: the rate times <paramref name="gamma"/> every <paramref name="every"/> steps.</summary>
    /// <param name="every">Steps between decays (for an epoch-based schedule: epochs × batches per epoch).</param>
    /// <param name="gamma">Factor applied at each decay.</param>
    /// <returns>The schedule.</returns>
    /// <exception cref="ArgumentException"><paramref name="every"/> below 1 or <paramref name="gamma"/> not in (0, 1].</exception>
    public static LearningRateSchedule Step(int every, double gamma)
    {
        if (every < 1) throw new ArgumentException($"learning-rate step interval must be ≥ 1 (got {every})");
        if (!(gamma > 0 && gamma <= 1)) throw new ArgumentException($"learning-rate decay must be in (0, 1] (got {gamma})");
        return new(step => Math.Pow(gamma, step / every), $"×{gamma} every {every} steps");
    }
}

namespace MechNN.Training;

/// <summary>
/// Stops a run once the monitored value (the validation metric when there is one, else the training loss at each
/// report) has failed to improve on its best by more than <paramref name="MinDelta"/> for <paramref name="Patience"/>
/// consecutive checks.
/// </summary>
/// <param name="Patience">Checks without improvement tolerated before stopping.</param>
/// <param name="MinDelta">Smallest decrease that counts as an improvement.</param>
public sealed record EarlyStopping(int Patience, double MinDelta = 0)
{
    /// <summary>Checks the fields.</summary>
    /// <exception cref="ArgumentException">Patience below 1 or a negative or non-finite delta.</exception>
    public void Validate()
    {
        if (Patience < 1) throw new ArgumentException($"early-stopping patience must be ≥ 1 (got {Patience})");
        if (!(MinDelta >= 0) || double.IsInfinity(MinDelta)) throw new ArgumentException($"early-stopping delta must be ≥ 0 (got {MinDelta})");
    }
}

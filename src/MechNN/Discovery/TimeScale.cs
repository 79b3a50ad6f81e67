namespace MechNN.Discovery;

/// <summary>
/// The data's characteristic time per state, τ = std(x)/std(ẋ) (1/ω for a sinusoid), read without differentiating noisy
/// samples: the mean squared increment over k steps is (k·dt)²·var(ẋ) + 2σ² for a smooth signal plus white noise of
/// std σ (the <see cref="NoiseEstimate"/>), so var(ẋ) follows from it, and var(x) = var(samples) − σ².
/// </summary>
public static class TimeScale
{
    /// <summary>Steps of the increment: long enough that the signal's increment dominates the noise at 10–20%, short
    /// enough that (k·dt)·ω stays small on the catalogue's protocols.</summary>
    private const int Lag = 10;

    /// <summary>The smallest τ over the states (+∞ when no state varies or the trajectories are too short to tell).</summary>
    /// <param name="trajectories">Each: samples × states, sampled every <paramref name="dt"/>.</param>
    /// <param name="dt">The sample spacing.</param>
    public static double Shortest(IReadOnlyList<double[][]> trajectories, double dt)
    {
        var usable = trajectories.Where(x => x.Length > Math.Max(Lag, 11)).ToList();
        if (usable.Count == 0) return double.PositiveInfinity;
        var sigma = NoiseEstimate.Absolute(usable);
        double shortest = double.PositiveInfinity;
        for (int d = 0; d < sigma.Length; d++)
        {
            var all = usable.SelectMany(x => x.Select(r => r[d])).ToArray();
            double mean = all.Average(), variance = all.Average(v => (v - mean) * (v - mean)) - sigma[d] * sigma[d];
            double increments = usable.SelectMany(x => Enumerable.Range(0, x.Length - Lag).Select(i => x[i + Lag][d] - x[i][d]))
                .Average(e => e * e) - 2 * sigma[d] * sigma[d];
            if (variance > 0 && increments > 0) shortest = Math.Min(shortest, Math.Sqrt(variance / increments) * Lag * dt);
        }
        return shortest;
    }
}

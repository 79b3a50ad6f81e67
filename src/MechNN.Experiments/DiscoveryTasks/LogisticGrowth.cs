namespace MechNN.Experiments.DiscoveryTasks;

/// <summary>
/// Logistic-growth trajectories x' = r·x − (r/K)·x² (the reference's <c>discovery/logistic.py</c> task), sampled in closed form
/// x(t) = K / (1 + (K/x₀ − 1)·e^{−rt}) with r ~ N(3, 0.5²), K ~ N(3, 0.5²), x₀ ~ N(0.05, 0.05²) (x₀ ≤ 0 redrawn, and r, K ≤ 0
/// redrawn too), on t ∈ [0, 3] at 60 points, plus N(0, σ²) noise drawn independently for every trajectory and point.
/// </summary>
/// <param name="Rates">r per trajectory.</param>
/// <param name="Capacities">K per trajectory.</param>
/// <param name="Clean">Noise-free samples, trajectories × points.</param>
/// <param name="Noisy">Observed samples, trajectories × points.</param>
/// <param name="Step">Sample spacing.</param>
public sealed record LogisticGrowth(double[] Rates, double[] Capacities, double[][] Clean, double[][] Noisy, double Step)
{
    /// <summary>Draws <paramref name="count"/> trajectories.</summary>
    /// <param name="count">Trajectories.</param>
    /// <param name="seed">Random seed.</param>
    /// <param name="points">Samples per trajectory on [0, <paramref name="duration"/>].</param>
    /// <param name="duration">End time.</param>
    /// <param name="noise">Standard deviation of the additive noise.</param>
    /// <returns>The data set.</returns>
    /// <exception cref="ArgumentException">Fewer than one trajectory or two points, a non-positive duration or a negative noise.</exception>
    public static LogisticGrowth Generate(int count, long seed, int points = 60, double duration = 3, double noise = 1e-3)
    {
        if (count < 1 || points < 2) throw new ArgumentException($"logistic data needs ≥ 1 trajectory and ≥ 2 points (got {count}, {points})");
        if (!(duration > 0) || !(noise >= 0)) throw new ArgumentException($"the duration must be positive and the noise ≥ 0 (got {duration}, {noise})");
        var rng = new Random(unchecked((int)seed));
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        double Positive(double mean, double sd) { double v; do v = mean + sd * Normal(); while (v <= 0); return v; }
        double step = duration / (points - 1);
        var r = new double[count];
        var k = new double[count];
        var clean = new double[count][];
        var noisy = new double[count][];
        for (int i = 0; i < count; i++)
        {
            r[i] = Positive(3, 0.5);
            k[i] = Positive(3, 0.5);
            double x0 = Positive(0.05, 0.05);
            clean[i] = Enumerable.Range(0, points).Select(j => k[i] / (1 + (k[i] / x0 - 1) * Math.Exp(-r[i] * j * step))).ToArray();
            noisy[i] = clean[i].Select(x => x + noise * Normal()).ToArray();
        }
        return new LogisticGrowth(r, k, clean, noisy, step);
    }

    /// <summary>Trajectories in the set.</summary>
    public int Count => Rates.Length;
}

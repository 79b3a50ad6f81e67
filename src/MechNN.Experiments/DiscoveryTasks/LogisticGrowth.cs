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
/// <param name="Noise">Standard deviation of the added noise.</param>
public sealed record LogisticGrowth(double[] Rates, double[] Capacities, double[][] Clean, double[][] Noisy, double Step, double Noise)
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
        return new LogisticGrowth(r, k, clean, noisy, step, noise);
    }

    /// <summary>
    /// ∂x/∂(r, K, x₀) of the closed form x(t) = K / (1 + (K/x₀ − 1)·e^{−rt}) at time <paramref name="t"/>.
    /// </summary>
    /// <param name="r">Rate.</param>
    /// <param name="k">Capacity.</param>
    /// <param name="x0">Initial value.</param>
    /// <param name="t">Time.</param>
    /// <returns>The three partial derivatives.</returns>
    public static (double R, double K, double X0) Sensitivities(double r, double k, double x0, double t)
    {
        double e = Math.Exp(-r * t), a = k / x0 - 1, d = 1 + a * e;
        return (k * a * t * e / (d * d), 1 / d - k * e / (x0 * d * d), k * k * e / (x0 * x0 * d * d));
    }

    /// <summary>
    /// Cramér–Rao lower bounds on the standard deviations of any unbiased estimate of r and of r/K from one trajectory of
    /// <paramref name="points"/> samples <paramref name="step"/> apart with N(0, <paramref name="noise"/>²) noise, x₀ unknown too:
    /// the inverse of the Fisher information JᵀJ/σ² of the closed form. It says how much the samples can tell at all.
    /// </summary>
    /// <param name="r">Rate.</param>
    /// <param name="k">Capacity.</param>
    /// <param name="x0">Initial value.</param>
    /// <param name="step">Sample spacing.</param>
    /// <param name="points">Samples.</param>
    /// <param name="noise">Noise standard deviation.</param>
    /// <returns>Lower bounds on sd(r̂) and sd(r̂/K̂); infinite where the information matrix is singular.</returns>
    public static (double R, double ROverK) CramerRaoBounds(double r, double k, double x0, double step, int points, double noise)
    {
        var f = new double[3, 3];
        for (int j = 0; j < points; j++)
        {
            var (dr, dk, dx) = Sensitivities(r, k, x0, j * step);
            double[] g = { dr, dk, dx };
            for (int a = 0; a < 3; a++)
                for (int b = 0; b < 3; b++) f[a, b] += g[a] * g[b] / (noise * noise);
        }
        // Cofactor inverse of the symmetric 3 × 3 information matrix.
        double c00 = f[1, 1] * f[2, 2] - f[1, 2] * f[2, 1], c01 = f[0, 2] * f[2, 1] - f[0, 1] * f[2, 2], c11 = f[0, 0] * f[2, 2] - f[0, 2] * f[2, 0];
        double det = f[0, 0] * c00 + f[0, 1] * (f[1, 2] * f[2, 0] - f[1, 0] * f[2, 2]) + f[0, 2] * (f[1, 0] * f[2, 1] - f[1, 1] * f[2, 0]);
        if (!(Math.Abs(det) > 1e-300)) return (double.PositiveInfinity, double.PositiveInfinity);
        double vr = c00 / det, vrk = c01 / det, vk = c11 / det;
        double gr = 1 / k, gk = -r / (k * k);                                                  // ∇(r/K)
        double vq = gr * gr * vr + 2 * gr * gk * vrk + gk * gk * vk;
        return (vr > 0 ? Math.Sqrt(vr) : double.PositiveInfinity, vq > 0 ? Math.Sqrt(vq) : double.PositiveInfinity);
    }

    /// <summary>Trajectories in the set.</summary>
    public int Count => Rates.Length;
}

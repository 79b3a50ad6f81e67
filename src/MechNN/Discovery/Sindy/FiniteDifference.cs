namespace MechNN.Discovery.Sindy;

/// <summary>
/// Second-order finite differences on any increasing grid: the three-point Lagrange derivative — centred in the interior,
/// one-sided at both ends. On a uniform grid this is (x₊ − x₋)/2h inside and (∓3x₀ ± 4x₁ ∓ x₂)/2h at the ends (PySINDy's
/// FiniteDifference(order=2)).
/// </summary>
public sealed class FiniteDifference : IDifferentiator
{
    /// <inheritdoc/>
    public double[][] Differentiate(double[][] x, IReadOnlyList<double> t)
    {
        int m = x.Length;
        if (m != t.Count) throw new ArgumentException($"{m} samples but {t.Count} times.");
        if (m < 3) throw new ArgumentException("At least 3 samples are needed for second-order differences.");
        int n = x[0].Length;
        var dx = new double[m][];
        for (int i = 0; i < m; i++)
        {
            // Stencil points a < b < c and the point of evaluation.
            int a = i == 0 ? 0 : i == m - 1 ? m - 3 : i - 1;
            var (w0, w1, w2) = Weights(t[a], t[a + 1], t[a + 2], t[i]);
            dx[i] = new double[n];
            for (int j = 0; j < n; j++) dx[i][j] = w0 * x[a][j] + w1 * x[a + 1][j] + w2 * x[a + 2][j];
        }
        return dx;
    }

    /// <summary>Derivative at s of the quadratic through (t0, t1, t2): weights of the three values.</summary>
    private static (double, double, double) Weights(double t0, double t1, double t2, double s) => (
        (2 * s - t1 - t2) / ((t0 - t1) * (t0 - t2)),
        (2 * s - t0 - t2) / ((t1 - t0) * (t1 - t2)),
        (2 * s - t0 - t1) / ((t2 - t0) * (t2 - t1)));
}

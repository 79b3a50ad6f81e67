using MechNN.Numerics;

namespace MechNN.Discovery.Sindy;

/// <summary>
/// Sequentially thresholded least squares (Brunton et al. 2016, as PySINDy's STLSQ): ridge regression on the active
/// features, drop |ξ| &lt; threshold, repeat until the support stops changing (or MaxIterations); then, with Unbias,
/// an unregularised least-squares refit on the final support.
/// </summary>
/// <exception cref="ArgumentException">A negative or non-finite threshold or alpha, or fewer than one iteration (the message names the setting).</exception>
public sealed class Stlsq(double threshold = 0.1, double alpha = 0.05, int maxIterations = 20, bool unbias = true) : ISparseOptimizer
{
    /// <summary>Coefficients below this magnitude are zeroed at each iteration.</summary>
    public double Threshold { get; } = threshold >= 0 && double.IsFinite(threshold) ? threshold : throw OptionCheck.Invalid("threshold", "≥ 0", threshold);
    /// <summary>Ridge penalty of each least-squares solve.</summary>
    public double Alpha { get; } = alpha >= 0 && double.IsFinite(alpha) ? alpha : throw OptionCheck.Invalid("ridge alpha", "≥ 0", alpha);
    /// <summary>Most threshold-and-refit iterations.</summary>
    public int MaxIterations { get; } = maxIterations >= 1 ? maxIterations : throw OptionCheck.Invalid("STLSQ iterations", "≥ 1", maxIterations);
    /// <summary>Refit the surviving terms without the ridge penalty at the end (PySINDy's <c>unbias</c>).</summary>
    public bool Unbias { get; } = unbias;

    /// <inheritdoc/>
    public double[][] Fit(double[][] theta, double[][] dx)
    {
        int features = theta[0].Length, targets = dx[0].Length;
        var coefficients = new double[targets][];
        for (int target = 0; target < targets; target++)
        {
            var y = dx.Select(r => r[target]).ToArray();
            var active = Enumerable.Repeat(true, features).ToArray();
            var xi = new double[features];
            for (int iteration = 0; iteration < MaxIterations; iteration++)
            {
                var columns = Enumerable.Range(0, features).Where(f => active[f]).ToArray();
                xi = new double[features];
                if (columns.Length == 0) break;
                var w = DenseLeastSquares.Ridge(Select(theta, columns), y, Alpha);
                for (int k = 0; k < columns.Length; k++) xi[columns[k]] = w[k];
                var next = xi.Select(v => Math.Abs(v) >= Threshold).ToArray();
                for (int f = 0; f < features; f++) if (!next[f]) xi[f] = 0;
                bool converged = next.SequenceEqual(active);
                active = next;
                if (converged) break;
            }
            if (Unbias && active.Any(a => a))
            {
                var columns = Enumerable.Range(0, features).Where(f => active[f]).ToArray();
                var w = DenseLeastSquares.Solve(Select(theta, columns), y);
                xi = new double[features];
                for (int k = 0; k < columns.Length; k++) xi[columns[k]] = w[k];
            }
            coefficients[target] = xi;
        }
        return coefficients;
    }

    private static double[][] Select(double[][] theta, int[] columns) =>
        theta.Select(row => columns.Select(c => row[c]).ToArray()).ToArray();
}

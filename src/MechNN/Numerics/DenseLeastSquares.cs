namespace MechNN.Numerics;

/// <summary>Small dense least-squares solves on row-major arrays (SINDy regressions: a few dozen columns).</summary>
internal static class DenseLeastSquares
{
    /// <summary>argmin ‖Xw − y‖² + α‖w‖² via the Cholesky factor of XᵀX + αI (scikit-learn's ridge "cholesky" solver).</summary>
    public static double[] Ridge(double[][] x, double[] y, double alpha)
    {
        int m = x.Length, n = m == 0 ? 0 : x[0].Length;
        var g = new double[n, n];
        var r = new double[n];
        for (int row = 0; row < m; row++)
        {
            var xr = x[row];
            for (int i = 0; i < n; i++)
            {
                r[i] += xr[i] * y[row];
                for (int j = 0; j <= i; j++) g[i, j] += xr[i] * xr[j];
            }
        }
        for (int i = 0; i < n; i++) g[i, i] += alpha;
        // In-place Cholesky (lower) and two triangular solves.
        for (int j = 0; j < n; j++)
        {
            double d = g[j, j];
            for (int k = 0; k < j; k++) d -= g[j, k] * g[j, k];
            if (!(d > 0)) throw new InvalidOperationException("The ridge normal matrix is not positive definite (collinear features and α = 0?).");
            g[j, j] = Math.Sqrt(d);
            for (int i = j + 1; i < n; i++)
            {
                double s = g[i, j];
                for (int k = 0; k < j; k++) s -= g[i, k] * g[j, k];
                g[i, j] = s / g[j, j];
            }
        }
        for (int i = 0; i < n; i++) { double s = r[i]; for (int k = 0; k < i; k++) s -= g[i, k] * r[k]; r[i] = s / g[i, i]; }
        for (int i = n - 1; i >= 0; i--) { double s = r[i]; for (int k = i + 1; k < n; k++) s -= g[k, i] * r[k]; r[i] = s / g[i, i]; }
        return r;
    }

    /// <summary>argmin ‖Xw − y‖² by Householder QR (no normal equations: stays accurate on ill-conditioned columns).</summary>
    public static double[] Solve(double[][] x, double[] y)
    {
        int m = x.Length, n = m == 0 ? 0 : x[0].Length;
        if (m < n) throw new ArgumentException($"Least squares needs at least as many rows as columns ({m} < {n}).");
        var a = x.Select(r => (double[])r.Clone()).ToArray();
        var b = (double[])y.Clone();
        for (int j = 0; j < n; j++)
        {
            double norm = 0;
            for (int i = j; i < m; i++) norm += a[i][j] * a[i][j];
            norm = Math.Sqrt(norm);
            if (norm == 0) throw new InvalidOperationException($"Column {j} is zero on the rows left: the least-squares problem is rank deficient.");
            double alpha = a[j][j] > 0 ? -norm : norm;
            var v = new double[m - j];
            for (int i = j; i < m; i++) v[i - j] = a[i][j];
            v[0] -= alpha;
            double vv = v.Sum(e => e * e);
            if (vv == 0) continue;
            for (int c = j; c < n; c++)
            {
                double dot = 0;
                for (int i = j; i < m; i++) dot += v[i - j] * a[i][c];
                double f = 2 * dot / vv;
                for (int i = j; i < m; i++) a[i][c] -= f * v[i - j];
            }
            double db = 0;
            for (int i = j; i < m; i++) db += v[i - j] * b[i];
            double fb = 2 * db / vv;
            for (int i = j; i < m; i++) b[i] -= fb * v[i - j];
        }
        var w = new double[n];
        for (int i = n - 1; i >= 0; i--)
        {
            double s = b[i];
            for (int k = i + 1; k < n; k++) s -= a[i][k] * w[k];
            w[i] = s / a[i][i];
        }
        return w;
    }
}

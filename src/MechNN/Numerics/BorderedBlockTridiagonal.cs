namespace MechNN.Numerics;

/// <summary>
/// A symmetric positive-definite system [[A, B], [Bᵀ, T]]·[x; z] = [a; t] whose lower-right part T is block tridiagonal
/// (diagonal blocks D_s, n×n; upper blocks E_s between s and s+1) and whose border A (P×P), B = [B_0 … B_{S−1}] (P×n
/// each) is dense: the normal equations of a fit with a few global parameters and a chain of local ones (segment starts
/// tied to their neighbours). Solved in O(S·n²·(P + n)): T⁻¹ by block elimination along the chain, then the P×P Schur
/// complement. All blocks row-major.
/// </summary>
internal sealed class BorderedBlockTridiagonal
{
    /// <summary>Global parameters P, chain length S, block size n.</summary>
    public int P { get; }
    /// <summary>Blocks in the chain.</summary>
    public int S { get; }
    /// <summary>Block size.</summary>
    public int N { get; }
    /// <summary>A (P×P).</summary>
    public double[] A { get; }
    /// <summary>B_s (P×n) per block.</summary>
    public double[][] B { get; }
    /// <summary>D_s (n×n) per block.</summary>
    public double[][] D { get; }
    /// <summary>E_s (n×n) coupling block s to s+1 (the last one unused).</summary>
    public double[][] E { get; }

    public BorderedBlockTridiagonal(int p, int s, int n)
    {
        P = p; S = s; N = n;
        A = new double[p * p];
        B = Enumerable.Range(0, s).Select(_ => new double[p * n]).ToArray();
        D = Enumerable.Range(0, s).Select(_ => new double[n * n]).ToArray();
        E = Enumerable.Range(0, s).Select(_ => new double[n * n]).ToArray();
    }

    /// <summary>Solves with every diagonal entry m_ii raised to m_ii·(1 + <paramref name="damping"/>) (Levenberg–Marquardt);
    /// false when a pivot block is not positive definite.</summary>
    /// <param name="a">Right-hand side of the global rows (P).</param>
    /// <param name="t">Right-hand side of the chain (S·n).</param>
    /// <param name="x">Global solution (P).</param>
    /// <param name="z">Chain solution (S·n).</param>
    public bool TrySolve(double[] a, double[] t, double damping, out double[] x, out double[] z)
    {
        int p = P, n = N, m = p + 1;
        x = new double[p]; z = new double[S * n];
        if (!TryReduce(t, damping, out var solved, out var schur)) return false;
        // (A − Σ B_s·Y_s)·x = a − Σ B_s·y_s.
        var b = (double[])a.Clone();
        for (int s = 0; s < S; s++)
            for (int i = 0; i < p; i++)
                for (int k = 0; k < n; k++) b[i] -= B[s][i * n + k] * solved[s][k * m + p];
        if (p > 0) x = Cholesky.Solve(schur, b, p, 1);
        for (int s = 0; s < S; s++)
            for (int i = 0; i < n; i++)
            {
                double v = solved[s][i * m + p];
                for (int j = 0; j < p; j++) v -= solved[s][i * m + j] * x[j];
                z[s * n + i] = v;
            }
        return true;
    }

    /// <summary>The diagonal of the inverse's global block, (M⁻¹)ᵢᵢ for i &lt; P (the global parameters' variances up to
    /// σ²): the inverse of the Schur complement; null when the matrix is not positive definite.</summary>
    public double[]? GlobalVariances()
    {
        if (!TryReduce(new double[S * N], 0, out _, out var schur)) return null;
        var variances = new double[P];
        for (int c = 0; c < P; c++)
        {
            var unit = new double[P];
            unit[c] = 1;
            variances[c] = Cholesky.Solve(schur, unit, P, 1)[c];
        }
        return variances;
    }

    /// <summary>Block elimination of the (damped) chain with the right-hand sides [B_sᵀ | t_s]: per block
    /// <paramref name="solved"/>_s = [Y_s | y_s] = T⁻¹[Bᵀ | t] (n × (P+1)), and the Cholesky factor of the Schur complement
    /// A − Σ B_s·Y_s (P×P).</summary>
    private bool TryReduce(double[] t, double damping, out double[][] solved, out double[] schur)
    {
        int p = P, n = N, m = p + 1;
        solved = new double[S][];
        schur = (double[])A.Clone();
        // Forward elimination along the chain.
        var pivots = new double[S][];
        var rhs = new double[S][];
        for (int s = 0; s < S; s++)
        {
            var d = (double[])D[s].Clone();
            for (int i = 0; i < n; i++) d[i * n + i] *= 1 + damping;
            var r = new double[n * m];
            for (int i = 0; i < n; i++)
            {
                for (int k = 0; k < p; k++) r[i * m + k] = B[s][k * n + i];
                r[i * m + p] = t[s * n + i];
            }
            if (s > 0)
            {
                // d −= E_{s−1}ᵀ·pivot⁻¹·E_{s−1}; r −= E_{s−1}ᵀ·pivot⁻¹·r_{s−1}.
                var e = E[s - 1];
                var inverseE = Cholesky.Solve(pivots[s - 1], e, n, n);
                var inverseR = Cholesky.Solve(pivots[s - 1], rhs[s - 1], n, m);
                for (int i = 0; i < n; i++)
                {
                    for (int j = 0; j < n; j++)
                    {
                        double sum = 0;
                        for (int k = 0; k < n; k++) sum += e[k * n + i] * inverseE[k * n + j];
                        d[i * n + j] -= sum;
                    }
                    for (int j = 0; j < m; j++)
                    {
                        double sum = 0;
                        for (int k = 0; k < n; k++) sum += e[k * n + i] * inverseR[k * m + j];
                        r[i * m + j] -= sum;
                    }
                }
            }
            if (!Cholesky.TryFactor(d, n)) return false;
            pivots[s] = d;
            rhs[s] = r;
        }
        // Back substitution: X_s = pivot_s⁻¹(r_s − E_s·X_{s+1}).
        for (int s = S - 1; s >= 0; s--)
        {
            var r = (double[])rhs[s].Clone();
            if (s < S - 1)
            {
                var e = E[s];
                var next = solved[s + 1];
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < m; j++)
                    {
                        double sum = 0;
                        for (int k = 0; k < n; k++) sum += e[i * n + k] * next[k * m + j];
                        r[i * m + j] -= sum;
                    }
            }
            solved[s] = Cholesky.Solve(pivots[s], r, n, m);
        }
        for (int i = 0; i < p; i++) schur[i * p + i] *= 1 + damping;
        for (int s = 0; s < S; s++)
            for (int i = 0; i < p; i++)
                for (int k = 0; k < n; k++)
                {
                    double bik = B[s][i * n + k];
                    if (bik == 0) continue;
                    for (int j = 0; j < p; j++) schur[i * p + j] -= bik * solved[s][k * m + j];
                }
        return p == 0 || Cholesky.TryFactor(schur, p);
    }

    /// <summary>Dense Cholesky on row-major n×n arrays (the lower factor kept in place).</summary>
    private static class Cholesky
    {
        public static bool TryFactor(double[] a, int n)
        {
            for (int j = 0; j < n; j++)
            {
                double d = a[j * n + j];
                for (int k = 0; k < j; k++) d -= a[j * n + k] * a[j * n + k];
                if (!(d > 0)) return false;
                double l = Math.Sqrt(d);
                a[j * n + j] = l;
                for (int i = j + 1; i < n; i++)
                {
                    double v = a[i * n + j];
                    for (int k = 0; k < j; k++) v -= a[i * n + k] * a[j * n + k];
                    a[i * n + j] = v / l;
                }
            }
            return true;
        }

        /// <summary>a⁻¹·b for b (n×m), <paramref name="a"/> holding its Cholesky factor.</summary>
        public static double[] Solve(double[] a, double[] b, int n, int m)
        {
            var x = (double[])b.Clone();
            for (int c = 0; c < m; c++)
            {
                for (int i = 0; i < n; i++)
                {
                    double v = x[i * m + c];
                    for (int k = 0; k < i; k++) v -= a[i * n + k] * x[k * m + c];
                    x[i * m + c] = v / a[i * n + i];
                }
                for (int i = n - 1; i >= 0; i--)
                {
                    double v = x[i * m + c];
                    for (int k = i + 1; k < n; k++) v -= a[k * n + i] * x[k * m + c];
                    x[i * m + c] = v / a[i * n + i];
                }
            }
            return x;
        }
    }
}

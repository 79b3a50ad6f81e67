namespace MechNN.Experiments.Darcy;

/// <summary>
/// Direct solve of a <see cref="FivePointOperator"/> by a banded Cholesky factorisation of its (n−2)² interior unknowns
/// (row-major, bandwidth n−2): O(n⁴) to factor, O(n³) to solve, used on the coarsest multigrid level.
/// </summary>
internal sealed class BandedCholesky
{
    private readonly int _n;
    private readonly int _m;
    private readonly double[] _band; // _band[q·(m+1) + d] = L[q, q−d]
    private readonly double[] _y;

    /// <summary>Work space for operators on n×n node grids.</summary>
    public BandedCholesky(int n)
    {
        _n = n;
        _m = n - 2;
        _band = new double[_m * _m * (_m + 1)];
        _y = new double[_m * _m];
    }

    /// <summary>Factors <paramref name="a"/>.</summary>
    /// <exception cref="ArithmeticException">A pivot is not positive (the operator is not SPD).</exception>
    public void Factor(FivePointOperator a)
    {
        if (a.N != _n) throw new ArgumentException($"factor built for {_n}×{_n} grids, got {a.N}×{a.N}.", nameof(a));
        int n = _n, m = _m, w = m + 1, count = m * m;
        Array.Clear(_band);
        for (var q = 0; q < count; q++)
        {
            int i = q / m + 1, j = q % m + 1, k = i * n + j;
            _band[q * w] = a.Diagonal[k];
            if (j > 1) _band[q * w + 1] = -a.Wy[k - 1];
            if (i > 1) _band[q * w + m] = -a.Wx[k - n];
        }
        for (var q = 0; q < count; q++)
        {
            var lq = q * w;
            for (var d = Math.Min(q, m); d >= 1; d--)
            {
                var c = q - d;
                var lc = c * w;
                var sum = _band[lq + d];
                for (var t = 1; t <= m - d && t <= c; t++) sum -= _band[lq + d + t] * _band[lc + t];
                _band[lq + d] = sum / _band[lc];
            }
            var diag = _band[lq];
            for (var d = 1; d <= Math.Min(q, m); d++) diag -= _band[lq + d] * _band[lq + d];
            if (!(diag > 0)) throw new ArithmeticException($"Darcy coarse solve: the {n}×{n} operator is not positive definite (pivot {q}).");
            _band[lq] = Math.Sqrt(diag);
        }
    }

    /// <summary>x = A⁻¹·b on interior nodes (full n×n grids; the boundary of x is set to 0).</summary>
    public void Solve(ReadOnlySpan<double> b, Span<double> x)
    {
        int n = _n, m = _m, w = m + 1, count = m * m;
        for (var q = 0; q < count; q++)
        {
            var v = b[(q / m + 1) * n + q % m + 1];
            for (var d = 1; d <= Math.Min(q, m); d++) v -= _band[q * w + d] * _y[q - d];
            _y[q] = v / _band[q * w];
        }
        for (var q = count - 1; q >= 0; q--)
        {
            var v = _y[q];
            for (var d = 1; d <= m && q + d < count; d++) v -= _band[(q + d) * w + d] * _y[q + d];
            _y[q] = v / _band[q * w];
        }
        x[..(n * n)].Clear();
        for (var q = 0; q < count; q++) x[(q / m + 1) * n + q % m + 1] = _y[q];
    }
}

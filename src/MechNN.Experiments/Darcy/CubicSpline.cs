namespace MechNN.Experiments.Darcy;

/// <summary>
/// Not-a-knot cubic-spline interpolation on a uniform grid, as a dense linear map from the n source values to values at
/// arbitrary target points (MATLAB's <c>spline</c>, which <c>interp2(..., 'spline')</c> applies along each axis). Points
/// outside the source range are extrapolated with the end pieces, as MATLAB does for splines.
/// </summary>
internal static class CubicSpline
{
    /// <summary>
    /// The row-major (targets × n) matrix S with S·y = the spline through (source[i], y[i]) evaluated at the targets.
    /// </summary>
    /// <param name="first">The first source point.</param>
    /// <param name="spacing">The uniform source spacing h &gt; 0.</param>
    /// <param name="n">The number of source points (≥ 4, the fewest a not-a-knot spline needs).</param>
    /// <param name="targets">Where to evaluate.</param>
    public static double[] InterpolationMatrix(double first, double spacing, int n, IReadOnlyList<double> targets)
    {
        if (n < 4) throw new ArgumentException($"a not-a-knot spline needs at least 4 points, got {n}.", nameof(n));
        var secondDerivatives = SecondDerivativeMap(n, spacing);
        var s = new double[targets.Count * n];
        for (var p = 0; p < targets.Count; p++)
        {
            var k = Math.Clamp((int)Math.Floor((targets[p] - first) / spacing), 0, n - 2);
            var a = (first + (k + 1) * spacing - targets[p]) / spacing; // weight of the left knot
            var b = 1 - a;
            var ca = (a * a * a - a) * spacing * spacing / 6;
            var cb = (b * b * b - b) * spacing * spacing / 6;
            var row = s.AsSpan(p * n, n);
            row[k] += a;
            row[k + 1] += b;
            for (var j = 0; j < n; j++) row[j] += ca * secondDerivatives[k, j] + cb * secondDerivatives[k + 1, j];
        }
        return s;
    }

    /// <summary>
    /// G with M = G·y, M the spline's second derivatives at the knots: interior rows M[i−1] + 4M[i] + M[i+1] =
    /// 6/h²·(y[i−1] − 2y[i] + y[i+1]); not-a-knot rows M[0] − 2M[1] + M[2] = 0 and the mirror at the right end (a
    /// continuous third derivative at the second and the second-to-last knots).
    /// </summary>
    private static double[,] SecondDerivativeMap(int n, double h)
    {
        var lhs = new double[n, n];
        var rhs = new double[n, n];
        lhs[0, 0] = 1; lhs[0, 1] = -2; lhs[0, 2] = 1;
        lhs[n - 1, n - 3] = 1; lhs[n - 1, n - 2] = -2; lhs[n - 1, n - 1] = 1;
        for (var i = 1; i < n - 1; i++)
        {
            lhs[i, i - 1] = 1; lhs[i, i] = 4; lhs[i, i + 1] = 1;
            rhs[i, i - 1] = 6 / (h * h); rhs[i, i] = -12 / (h * h); rhs[i, i + 1] = 6 / (h * h);
        }
        SolveInPlace(lhs, rhs);
        return rhs;
    }

    /// <summary>Gaussian elimination with partial pivoting: overwrites <paramref name="b"/> with A⁻¹·B (once per grid size).</summary>
    private static void SolveInPlace(double[,] a, double[,] b)
    {
        var n = a.GetLength(0);
        var m = b.GetLength(1);
        for (var col = 0; col < n; col++)
        {
            var pivot = col;
            for (var r = col + 1; r < n; r++) if (Math.Abs(a[r, col]) > Math.Abs(a[pivot, col])) pivot = r;
            if (pivot != col)
            {
                for (var c = 0; c < n; c++) (a[col, c], a[pivot, c]) = (a[pivot, c], a[col, c]);
                for (var c = 0; c < m; c++) (b[col, c], b[pivot, c]) = (b[pivot, c], b[col, c]);
            }
            for (var r = col + 1; r < n; r++)
            {
                var f = a[r, col] / a[col, col];
                if (f == 0) continue;
                for (var c = col; c < n; c++) a[r, c] -= f * a[col, c];
                for (var c = 0; c < m; c++) b[r, c] -= f * b[col, c];
            }
        }
        for (var col = n - 1; col >= 0; col--)
        {
            for (var c = 0; c < m; c++)
            {
                var v = b[col, c];
                for (var k = col + 1; k < n; k++) v -= a[col, k] * b[k, c];
                b[col, c] = v / a[col, col];
            }
        }
    }
}

namespace MechNN.Experiments.Darcy;

/// <summary>
/// Solves −∇·(a∇u) = f on (0,1)², u = 0 on the boundary, by the 5-point scheme on an n×n node grid
/// (<see cref="FivePointOperator"/>) with multigrid-preconditioned conjugate gradients in float64. One instance holds
/// the work space for one grid size and is reused across samples; it is not thread-safe (use one per thread).
/// </summary>
public sealed class DarcyFiniteDifferenceSolver
{
    private readonly FivePointOperator _operator;
    private readonly MultigridPreconditioner _preconditioner;
    private readonly double[] _r, _z, _p, _q;

    /// <summary>Prepares a solver for n×n node grids (boundary nodes included, spacing 1/(n−1)).</summary>
    /// <param name="n">Nodes per side, ≥ 3.</param>
    /// <param name="tolerance">Stop when ‖f − Au‖₂ ≤ tolerance·‖f‖₂ (default 1e-10).</param>
    /// <param name="maxIterations">Give up (ArithmeticException) after this many CG iterations.</param>
    /// <exception cref="ArgumentException">n &lt; 3 or the tolerance is not in (0, 1).</exception>
    public DarcyFiniteDifferenceSolver(int n, double tolerance = 1e-10, int maxIterations = 500)
    {
        if (!(tolerance > 0 && tolerance < 1)) throw new ArgumentException($"tolerance must be in (0, 1), got {tolerance}.", nameof(tolerance));
        _operator = new FivePointOperator(n);
        _preconditioner = new MultigridPreconditioner(_operator);
        _r = new double[n * n];
        _z = new double[n * n];
        _p = new double[n * n];
        _q = new double[n * n];
        Tolerance = tolerance;
        MaxIterations = maxIterations;
    }

    /// <summary>Nodes per side.</summary>
    public int N => _operator.N;

    /// <summary>The relative residual at which CG stops.</summary>
    public double Tolerance { get; }

    /// <summary>The iteration limit.</summary>
    public int MaxIterations { get; }

    /// <summary>How many negative face conductances the last solve set to 0.</summary>
    public int ClippedFaces { get; private set; }

    /// <summary>The multigrid levels' node counts, finest first.</summary>
    public IReadOnlyList<int> LevelSizes => _preconditioner.LevelSizes;

    /// <summary>
    /// Solves for u at the nodes given a and f at the nodes (row-major n×n; f's boundary values are ignored).
    /// </summary>
    /// <param name="a">The coefficient at the nodes; face conductances are the means of adjacent node values.</param>
    /// <param name="f">The right-hand side at the nodes.</param>
    /// <param name="u">Receives the solution, 0 on the boundary.</param>
    /// <param name="clipNegativeFaces">Set negative face conductances to 0 (counted in <see cref="ClippedFaces"/>) instead of failing.</param>
    /// <returns>The number of CG iterations taken.</returns>
    /// <exception cref="ArithmeticException">A face conductance is negative (unclipped) or not finite, or CG did not converge.</exception>
    public int Solve(ReadOnlySpan<double> a, ReadOnlySpan<double> f, Span<double> u, bool clipNegativeFaces = false)
    {
        var n = N;
        if (a.Length != n * n || f.Length != n * n || u.Length != n * n)
            throw new ArgumentException($"Darcy solve on {n}×{n} nodes needs {n * n} values in a, f and u.");
        ClippedFaces = _operator.SetFromNodeCoefficient(a, clipNegativeFaces);
        _preconditioner.Update();

        // Only interior equations exist: the right-hand side lives on the interior, the boundary stays zero.
        u.Clear();
        Array.Clear(_r);
        for (var i = 1; i < n - 1; i++) f.Slice(i * n + 1, n - 2).CopyTo(_r.AsSpan(i * n + 1, n - 2));
        var normB = Math.Sqrt(Dot(_r, _r));
        if (normB == 0) return 0;
        _preconditioner.Apply(_r, _z);
        _z.CopyTo(_p, 0);
        var rz = Dot(_r, _z);
        for (var iteration = 1; iteration <= MaxIterations; iteration++)
        {
            _operator.Apply(_p, _q);
            var alpha = rz / Dot(_p, _q);
            for (var k = 0; k < _r.Length; k++)
            {
                u[k] += alpha * _p[k];
                _r[k] -= alpha * _q[k];
            }
            var residual = Math.Sqrt(Dot(_r, _r));
            if (!double.IsFinite(residual)) throw new ArithmeticException($"Darcy solve on {n}×{n} nodes: CG diverged at iteration {iteration}.");
            if (residual <= Tolerance * normB) return iteration;
            _preconditioner.Apply(_r, _z);
            var rzNext = Dot(_r, _z);
            var beta = rzNext / rz;
            rz = rzNext;
            for (var k = 0; k < _p.Length; k++) _p[k] = _z[k] + beta * _p[k];
        }
        throw new ArithmeticException($"Darcy solve on {n}×{n} nodes: no convergence to {Tolerance:g3} in {MaxIterations} CG iterations.");
    }

    private static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        var s = 0.0;
        for (var k = 0; k < x.Length; k++) s += x[k] * y[k];
        return s;
    }
}

namespace MechNN.Experiments.Darcy;

/// <summary>
/// One geometric multigrid V-cycle from a zero guess as a symmetric positive-definite preconditioner: red–black
/// Gauss–Seidel (pre: red then black, post: black then red, so the cycle is symmetric as CG needs), full-weighting
/// restriction = ¼·(bilinear prolongation)ᵀ, coefficient-aware rediscretised coarse operators
/// (<see cref="FivePointOperator.SetCoarsened"/>), and a banded Cholesky solve on the coarsest grid. Grids halve while
/// the interval count is even and the grid has more than 9 nodes (421 → 211 → 106).
/// </summary>
internal sealed class MultigridPreconditioner
{
    private const int Sweeps = 2;
    private readonly FivePointOperator[] _levels;
    private readonly double[][] _x, _b, _r;
    private readonly BandedCholesky _coarsest;

    /// <summary>Builds the hierarchy below <paramref name="fine"/> (conductances are read at <see cref="Update"/>).</summary>
    public MultigridPreconditioner(FivePointOperator fine)
    {
        var levels = new List<FivePointOperator> { fine };
        while ((levels[^1].N - 1) % 2 == 0 && levels[^1].N > 9) levels.Add(new FivePointOperator((levels[^1].N - 1) / 2 + 1));
        _levels = [.. levels];
        _x = _levels.Select(l => new double[l.N * l.N]).ToArray();
        _b = _levels.Select(l => new double[l.N * l.N]).ToArray();
        _r = _levels.Select(l => new double[l.N * l.N]).ToArray();
        _coarsest = new BandedCholesky(_levels[^1].N);
    }

    /// <summary>The node count per side of each level, finest first.</summary>
    public IReadOnlyList<int> LevelSizes => _levels.Select(l => l.N).ToArray();

    /// <summary>Recomputes the coarse operators and the coarsest factorisation after the fine operator changed.</summary>
    public void Update()
    {
        for (var l = 1; l < _levels.Length; l++) _levels[l].SetCoarsened(_levels[l - 1]);
        _coarsest.Factor(_levels[^1]);
    }

    /// <summary>z = M⁻¹·r by one V-cycle.</summary>
    public void Apply(ReadOnlySpan<double> r, Span<double> z)
    {
        r.CopyTo(_b[0]);
        Cycle(0);
        _x[0].CopyTo(z);
    }

    private void Cycle(int l)
    {
        var a = _levels[l];
        var x = _x[l];
        var b = _b[l];
        if (l == _levels.Length - 1)
        {
            _coarsest.Solve(b, x);
            return;
        }
        Array.Clear(x);
        for (var s = 0; s < Sweeps; s++) { a.RelaxColour(x, b, 0); a.RelaxColour(x, b, 1); }
        var r = _r[l];
        a.Apply(x, r);
        for (var k = 0; k < r.Length; k++) r[k] = b[k] - r[k];
        Restrict(r, a.N, _b[l + 1], _levels[l + 1].N);
        Cycle(l + 1);
        ProlongAdd(_x[l + 1], _levels[l + 1].N, x, a.N);
        for (var s = 0; s < Sweeps; s++) { a.RelaxColour(x, b, 1); a.RelaxColour(x, b, 0); }
    }

    /// <summary>Full weighting, (1/16)[1 2 1; 2 4 2; 1 2 1] around fine node (2I, 2J); coarse boundary 0.</summary>
    private static void Restrict(ReadOnlySpan<double> fine, int nf, Span<double> coarse, int nc)
    {
        coarse[..(nc * nc)].Clear();
        for (var i = 1; i < nc - 1; i++)
            for (var j = 1; j < nc - 1; j++)
            {
                var k = 2 * i * nf + 2 * j;
                coarse[i * nc + j] = (4 * fine[k]
                    + 2 * (fine[k - 1] + fine[k + 1] + fine[k - nf] + fine[k + nf])
                    + fine[k - nf - 1] + fine[k - nf + 1] + fine[k + nf - 1] + fine[k + nf + 1]) / 16;
            }
    }

    /// <summary>fine += bilinear interpolation of coarse (whose boundary is 0), on the fine interior.</summary>
    private static void ProlongAdd(ReadOnlySpan<double> coarse, int nc, Span<double> fine, int nf)
    {
        for (var i = 1; i < nf - 1; i++)
        {
            int i0 = i / 2, i1 = (i + 1) / 2;
            for (var j = 1; j < nf - 1; j++)
            {
                int j0 = j / 2, j1 = (j + 1) / 2;
                fine[i * nf + j] += 0.25 * (coarse[i0 * nc + j0] + coarse[i0 * nc + j1] + coarse[i1 * nc + j0] + coarse[i1 * nc + j1]);
            }
        }
    }
}

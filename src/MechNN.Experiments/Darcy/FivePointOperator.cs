namespace MechNN.Experiments.Darcy;

/// <summary>
/// The 5-point finite-difference form of −∇·(a∇u) on an n×n node grid of (0,1)² with u = 0 on the boundary nodes:
/// (Au)ᵢⱼ = Σ over the four faces of w_face·(uᵢⱼ − u_neighbour), where w_face is the face's conductance divided by h².
/// Vectors are full n×n grids (row-major, boundary entries zero), so every level of the multigrid shares one layout.
/// </summary>
internal sealed class FivePointOperator
{
    /// <summary>An operator on an n×n node grid with all conductances zero until set.</summary>
    public FivePointOperator(int n)
    {
        if (n < 3) throw new ArgumentException($"a node grid needs at least 3 nodes per side, got {n}.", nameof(n));
        N = n;
        Wx = new double[n * n];
        Wy = new double[n * n];
        Diagonal = new double[n * n];
    }

    /// <summary>Nodes per side, boundary included.</summary>
    public int N { get; }

    /// <summary>Wx[i·n+j]: conductance/h² of the face between nodes (i, j) and (i+1, j).</summary>
    public double[] Wx { get; }

    /// <summary>Wy[i·n+j]: conductance/h² of the face between nodes (i, j) and (i, j+1).</summary>
    public double[] Wy { get; }

    /// <summary>The diagonal of A at interior nodes (sum of the four face weights).</summary>
    public double[] Diagonal { get; }

    /// <summary>
    /// The recipe's discretisation (anchors.md §3.3): face conductance = arithmetic mean of the two node values of a,
    /// scaled by (n−1)² = 1/h². With <paramref name="clipNegative"/>, negative conductances become 0 (see
    /// <see cref="DarcySampler.LastClippedFaces"/>: the recipe's spline extrapolation to the boundary nodes can make a
    /// face negative); otherwise they are rejected.
    /// </summary>
    /// <returns>The number of faces clipped to 0.</returns>
    /// <exception cref="ArithmeticException">A face conductance is negative (unclipped) or not finite, or a node has no
    /// positive face (the operator would not be SPD).</exception>
    public int SetFromNodeCoefficient(ReadOnlySpan<double> a, bool clipNegative = false)
    {
        var n = N;
        var scale = (double)(n - 1) * (n - 1);
        var clipped = 0;
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
            {
                var k = i * n + j;
                // Faces joining two boundary nodes never enter an equation: left at 0.
                Wx[k] = i < n - 1 && j > 0 && j < n - 1 ? Face(a[k], a[k + n]) * scale : 0;
                Wy[k] = j < n - 1 && i > 0 && i < n - 1 ? Face(a[k], a[k + 1]) * scale : 0;
            }
        UpdateDiagonal();
        return clipped;

        double Face(double left, double right)
        {
            var w = 0.5 * (left + right);
            if (!(w < 0) || !clipNegative) return w; // NaN and unclipped negatives are left for UpdateDiagonal to reject
            clipped++;
            return 0;
        }
    }

    /// <summary>
    /// Rediscretises a fine operator on this grid of (n_fine−1)/2 + 1 nodes, aware of the coefficient: a coarse face spans
    /// two fine faces in series (harmonic mean) and stands for three fine lines in parallel (weights ¼, ½, ¼), then /4
    /// for the doubled spacing. Keeps the flux across jumps of a, which plain injection of a would not.
    /// </summary>
    public void SetCoarsened(FivePointOperator fine)
    {
        var n = N;
        var nf = fine.N;
        if (nf != 2 * (n - 1) + 1) throw new ArgumentException($"a {nf}-node grid does not coarsen to {n} nodes.", nameof(fine));
        Array.Clear(Wx);
        Array.Clear(Wy);
        for (var i = 0; i < n - 1; i++)
            for (var j = 1; j < n - 1; j++)
            {
                // x-faces from coarse (i,j) to (i+1,j): fine rows 2i→2i+1→2i+2 along fine columns 2j−1, 2j, 2j+1.
                double sx = 0, sy = 0;
                for (var d = -1; d <= 1; d++)
                {
                    var w = d == 0 ? 0.5 : 0.25;
                    var fj = 2 * j + d;
                    sx += w * Series(fine.Wx[2 * i * nf + fj], fine.Wx[(2 * i + 1) * nf + fj]);
                    sy += w * Series(fine.Wy[fj * nf + 2 * i], fine.Wy[fj * nf + 2 * i + 1]);
                }
                Wx[i * n + j] = sx / 4;
                Wy[j * n + i] = sy / 4;
            }
        UpdateDiagonal();
    }

    /// <summary>y = A·u on interior nodes, 0 on the boundary.</summary>
    public void Apply(ReadOnlySpan<double> u, Span<double> y)
    {
        var n = N;
        y[..n].Clear();
        y[((n - 1) * n)..].Clear();
        for (var i = 1; i < n - 1; i++)
        {
            var row = i * n;
            y[row] = 0;
            y[row + n - 1] = 0;
            for (var j = 1; j < n - 1; j++)
            {
                var k = row + j;
                y[k] = Diagonal[k] * u[k] - Wx[k - n] * u[k - n] - Wx[k] * u[k + n] - Wy[k - 1] * u[k - 1] - Wy[k] * u[k + 1];
            }
        }
    }

    /// <summary>One Gauss–Seidel pass over the interior nodes of one colour ((i + j) mod 2 = <paramref name="colour"/>).</summary>
    public void RelaxColour(Span<double> u, ReadOnlySpan<double> b, int colour)
    {
        var n = N;
        for (var i = 1; i < n - 1; i++)
        {
            var row = i * n;
            for (var j = 1 + ((i + 1 + colour) & 1); j < n - 1; j += 2)
            {
                var k = row + j;
                u[k] = (b[k] + Wx[k - n] * u[k - n] + Wx[k] * u[k + n] + Wy[k - 1] * u[k - 1] + Wy[k] * u[k + 1]) / Diagonal[k];
            }
        }
    }

    private void UpdateDiagonal()
    {
        var n = N;
        Array.Clear(Diagonal);
        for (var i = 1; i < n - 1; i++)
            for (var j = 1; j < n - 1; j++)
            {
                var k = i * n + j;
                var d = Wx[k - n] + Wx[k] + Wy[k - 1] + Wy[k];
                if (!(d > 0) || double.IsInfinity(d) || !(Wx[k] >= 0) || !(Wy[k] >= 0) || !(Wx[k - n] >= 0) || !(Wy[k - 1] >= 0))
                    throw new ArithmeticException($"Darcy operator: a face conductance at node ({i}, {j}) of the {n}×{n} grid is negative or not finite, or all four are 0.");
                Diagonal[k] = d;
            }
    }

    private static double Series(double a, double b) => a + b > 0 ? 2 * a * b / (a + b) : 0;
}

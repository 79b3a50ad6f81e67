using System.Numerics;

namespace MechNN.Experiments.Darcy;

/// <summary>
/// A separable linear map of n×n fields, Y = M·X·Mᵀ for one dense n×n matrix M (row-major) applied along both axes:
/// the 2-D inverse DCT and the tensor-product spline interpolation are both of this form. O(n³) by two dense products
/// (2·2n³ ≈ 0.3 GFLOP at n = 421), simpler than a fast transform and fast enough beside the solve.
/// </summary>
internal sealed class SquareTransform
{
    private readonly double[] _m;

    /// <summary>Wraps the row-major n×n matrix <paramref name="matrix"/>.</summary>
    public SquareTransform(double[] matrix, int n)
    {
        if (matrix.Length != n * n) throw new ArgumentException($"matrix has {matrix.Length} entries, not {n}².", nameof(matrix));
        _m = matrix;
        N = n;
    }

    /// <summary>The side length n.</summary>
    public int N { get; }

    /// <summary>The matrix entry M[row, column].</summary>
    public double this[int row, int column] => _m[row * N + column];

    /// <summary>Y = M·X·Mᵀ. <paramref name="scratch"/> (n² values) holds X·Mᵀ; <paramref name="y"/> must not alias x.</summary>
    public void Apply(ReadOnlySpan<double> x, Span<double> y, Span<double> scratch)
    {
        var n = N;
        // T = X·Mᵀ: T[i,p] = Σ_j X[i,j]·M[p,j], row-by-row dot products (both operands contiguous).
        for (var i = 0; i < n; i++)
        {
            var xi = x.Slice(i * n, n);
            for (var p = 0; p < n; p++) scratch[i * n + p] = Dot(xi, _m.AsSpan(p * n, n));
        }
        // Y = M·T: row p of Y is Σ_i M[p,i]·T[i,:], accumulated as axpys.
        y[..(n * n)].Clear();
        for (var p = 0; p < n; p++)
        {
            var yp = y.Slice(p * n, n);
            for (var i = 0; i < n; i++) Axpy(_m[p * n + i], scratch.Slice(i * n, n), yp);
        }
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var width = Vector<double>.Count;
        var acc = Vector<double>.Zero;
        var k = 0;
        for (; k <= a.Length - width; k += width) acc += new Vector<double>(a[k..]) * new Vector<double>(b[k..]);
        var sum = Vector.Sum(acc);
        for (; k < a.Length; k++) sum += a[k] * b[k];
        return sum;
    }

    private static void Axpy(double alpha, ReadOnlySpan<double> x, Span<double> y)
    {
        var width = Vector<double>.Count;
        var va = new Vector<double>(alpha);
        var k = 0;
        for (; k <= x.Length - width; k += width) (new Vector<double>(y[k..]) + va * new Vector<double>(x[k..])).CopyTo(y[k..]);
        for (; k < x.Length; k++) y[k] += alpha * x[k];
    }
}

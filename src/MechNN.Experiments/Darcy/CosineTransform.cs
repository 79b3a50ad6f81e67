namespace MechNN.Experiments.Darcy;

/// <summary>The orthonormal DCT-II on n points (MATLAB's <c>dct</c>; its transpose is the inverse, <c>idct</c>).</summary>
internal static class CosineTransform
{
    /// <summary>
    /// The n×n DCT-II matrix, row-major: C[k, m] = w_k·cos(π·k·(2m+1)/(2n)), w_0 = √(1/n), w_k = √(2/n). Orthogonal, so
    /// the forward transform is X = C·x and the inverse x = Cᵀ·X.
    /// </summary>
    public static double[] Matrix(int n)
    {
        var c = new double[n * n];
        for (var k = 0; k < n; k++)
        {
            var w = Math.Sqrt((k == 0 ? 1.0 : 2.0) / n);
            for (var m = 0; m < n; m++) c[k * n + m] = w * Math.Cos(Math.PI * k * (2 * m + 1) / (2.0 * n));
        }
        return c;
    }

    /// <summary>The transpose of the row-major n×n <paramref name="matrix"/>.</summary>
    public static double[] Transpose(double[] matrix, int n)
    {
        var t = new double[n * n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++) t[j * n + i] = matrix[i * n + j];
        return t;
    }
}

namespace MechNN.Experiments.Darcy;

/// <summary>
/// Samples of the Gaussian random field of the Darcy benchmark, N(0, C) with C ∝ (−Δ + τ²I)^(−α) under zero-Neumann
/// conditions, on an s×s cell-centred grid: independent N(0,1) coefficients ξ(k₁,k₂), k ∈ {0..s−1}², scaled by
/// s·τ^(α−1)·(π²(k₁²+k₂²) + τ²)^(−α/2), the mean mode (0,0) set to zero, and mapped to the grid by the inverse
/// orthonormal 2-D DCT-II.
/// </summary>
public sealed class GaussianRandomField
{
    private readonly SquareTransform _inverseDct;

    /// <summary>Prepares the sampler for an s×s grid.</summary>
    /// <param name="size">The grid side s (≥ 2).</param>
    /// <param name="alpha">The smoothness exponent α (&gt; 0); the benchmark uses 2.</param>
    /// <param name="tau">The inverse length scale τ (&gt; 0); the benchmark uses 3.</param>
    /// <exception cref="ArgumentException">A parameter is out of range.</exception>
    public GaussianRandomField(int size, double alpha = 2, double tau = 3)
    {
        if (size < 2) throw new ArgumentException($"GRF size must be ≥ 2, got {size}.", nameof(size));
        if (!(alpha > 0) || !(tau > 0)) throw new ArgumentException($"GRF needs α > 0 and τ > 0, got α = {alpha}, τ = {tau}.");
        Size = size;
        Scale = new double[size * size];
        for (var k1 = 0; k1 < size; k1++)
            for (var k2 = 0; k2 < size; k2++)
                Scale[k1 * size + k2] = size * Math.Pow(tau, alpha - 1) * Math.Pow(Math.PI * Math.PI * (k1 * k1 + k2 * k2) + tau * tau, -alpha / 2);
        Scale[0] = 0; // the mean mode is dropped
        _inverseDct = new SquareTransform(CosineTransform.Transpose(CosineTransform.Matrix(size), size), size);
    }

    /// <summary>The grid side s.</summary>
    public int Size { get; }

    /// <summary>The standard deviation of each cosine coefficient, row-major over (k₁, k₂); entry 0 (the mean) is 0.</summary>
    public double[] Scale { get; }

    /// <summary>Draws one field into <paramref name="field"/> (s² values, row-major).</summary>
    /// <param name="random">The source of randomness; s² normals are drawn from it in row-major (k₁, k₂) order.</param>
    /// <param name="field">Receives the sample.</param>
    /// <param name="scratch">Work space of 2·s² values.</param>
    public void Sample(Random random, Span<double> field, Span<double> scratch)
    {
        var n = Size * Size;
        var coefficients = scratch[..n];
        for (var k = 0; k < n; k++) coefficients[k] = Scale[k] * Normal(random);
        _inverseDct.Apply(coefficients, field, scratch.Slice(n, n));
    }

    /// <summary>A standard normal deviate by the Box–Muller transform (one of the pair; simple and seed-reproducible).</summary>
    internal static double Normal(Random random)
    {
        var u1 = 1.0 - random.NextDouble(); // (0, 1], so the logarithm is finite
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}

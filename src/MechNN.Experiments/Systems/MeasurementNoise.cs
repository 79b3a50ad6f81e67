using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Experiments.Systems;

/// <summary>Additive Gaussian noise scaled per state by that state's standard deviation over the trajectory.</summary>
public static class MeasurementNoise
{
    /// <summary>Noisy copy of <paramref name="x"/> (samples × states), reproducible from <paramref name="seed"/>.</summary>
    /// <param name="x">Clean samples × states.</param>
    /// <param name="relative">Noise standard deviation as a fraction of each state's standard deviation (0.01 = 1%).</param>
    /// <param name="seed">Seed of the noise.</param>
    /// <returns>A new array; <paramref name="x"/> is unchanged.</returns>
    /// <exception cref="ArgumentException">A negative, NaN or infinite level (the CLI's --noise).</exception>
    public static double[][] Add(double[][] x, double relative, long seed)
    {
        if (!(double.IsFinite(relative) && relative >= 0))
            throw new ArgumentException($"noise must be a finite level ≥ 0 (got {Show(relative)})");
        if (relative == 0) return x.Select(r => (double[])r.Clone()).ToArray();
        int m = x.Length, n = x[0].Length;
        using var scope = NewDisposeScope();
        var clean = tensor(x.SelectMany(r => r).ToArray(), dtype: ScalarType.Float64).reshape(m, n);
        var noisy = clean + relative * clean.std(0L, keepdim: true) * randn(new long[] { m, n }, dtype: ScalarType.Float64, generator: manual_seed(seed));
        var flat = noisy.data<double>().ToArray();
        return Enumerable.Range(0, m).Select(i => flat.AsSpan(i * n, n).ToArray()).ToArray();
    }

    private static string Show(double v) => double.IsNaN(v) ? "NaN" : double.IsInfinity(v) ? (v > 0 ? "∞" : "-∞") : v.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

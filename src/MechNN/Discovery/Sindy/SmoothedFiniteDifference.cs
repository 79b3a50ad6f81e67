using MechNN.Numerics;

namespace MechNN.Discovery.Sindy;

/// <summary>
/// Savitzky–Golay smoothing (least-squares polynomial of <c>order</c> over a centred window of <c>window</c> samples;
/// the first and last half-windows take the end windows' polynomials), then second-order finite differences —
/// PySINDy's SmoothedFiniteDifference (window 11, order 3 by default). Assumes a uniform grid. With
/// <paramref name="smoothedStates"/> (the default, PySINDy 2.x) the library is evaluated on the smoothed x as well;
/// without it on the raw x (PySINDy 1.x).
/// </summary>
public sealed class SmoothedFiniteDifference(int window = 11, int order = 3, bool smoothedStates = true) : IDifferentiator
{
    /// <summary>Whether the library reads the smoothed x (PySINDy 2.x) rather than the raw x (1.x).</summary>
    public bool SmoothedStates { get; } = smoothedStates;

    /// <summary>Savitzky–Golay window length (odd, ≥ 3).</summary>
    public int Window { get; } = window >= 3 && window % 2 == 1 ? window : throw new ArgumentOutOfRangeException(nameof(window), window, "The window must be odd and ≥ 3.");
    /// <summary>Savitzky–Golay polynomial order (below the window).</summary>
    public int Order { get; } = order >= 0 && order < window ? order : throw new ArgumentOutOfRangeException(nameof(order), order, "The order must be in [0, window).");

    /// <inheritdoc/>
    public double[][] Differentiate(double[][] x, IReadOnlyList<double> t) => new FiniteDifference().Differentiate(Smooth(x), t);

    /// <inheritdoc/>
    public double[][] States(double[][] x) => SmoothedStates ? Smooth(x) : x;

    /// <summary>The weight the centred fit gives its own centre sample (for the variance of the residual, see <see cref="MechNN.Discovery.NoiseEstimate"/>).</summary>
    public double CentreWeight => Projector()[Window / 2][Window / 2];

    /// <summary>The Savitzky–Golay smoothed samples (the same shape as <paramref name="x"/>).</summary>
    /// <param name="x">Samples × states.</param>
    /// <returns>Samples × states.</returns>
    public double[][] Smooth(double[][] x)
    {
        int m = x.Length, n = x[0].Length, half = Window / 2;
        if (m < Window) throw new ArgumentException($"{m} samples are fewer than the smoothing window ({Window}).");
        var weights = Projector();
        var smooth = new double[m][];
        for (int i = 0; i < m; i++)
        {
            int start = Math.Clamp(i - half, 0, m - Window), offset = i - start;
            smooth[i] = new double[n];
            for (int j = 0; j < Window; j++)
                for (int d = 0; d < n; d++) smooth[i][d] += weights[offset][j] * x[start + j][d];
        }
        return smooth;
    }

    /// <summary>Row i: the fitted value at offset i of the window, as weights of the window's samples.</summary>
    private double[][] Projector()
    {
        int half = Window / 2;
        var vandermonde = Enumerable.Range(0, Window).Select(k => Enumerable.Range(0, Order + 1).Select(p => Math.Pow(k - half, p)).ToArray()).ToArray();
        var weights = new double[Window][];
        for (int j = 0; j < Window; j++)
        {
            var unit = new double[Window];
            unit[j] = 1;
            var coefficients = DenseLeastSquares.Solve(vandermonde, unit);   // polynomial through the j-th unit sample
            for (int i = 0; i < Window; i++)
            {
                weights[i] ??= new double[Window];
                weights[i][j] = vandermonde[i].Zip(coefficients, (a, b) => a * b).Sum();
            }
        }
        return weights;
    }
}

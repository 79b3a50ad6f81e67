using MechNN.Numerics;
using MechNN.Discovery.Sindy;

namespace MechNN.Discovery;

/// <summary>
/// Measurement noise read off the data: each state's residual from a local cubic fit (Savitzky–Golay, 11 samples), whose
/// variance is σ²·(1 − w₀) for white noise (w₀ the fit's weight of the centre sample) while a smooth signal leaves only
/// O(h⁴) behind; a median absolute deviation makes it robust to the signal's few sharp turns.
/// </summary>
public static class NoiseEstimate
{
    private const int Window = 11, Order = 3;

    /// <summary>σ̂ of every state, pooled over the trajectories (interior samples only, where the fit is centred).</summary>
    /// <param name="trajectories">Each: samples × states (at least 11 samples).</param>
    /// <returns>One standard deviation per state.</returns>
    public static double[] Absolute(IReadOnlyList<double[][]> trajectories)
    {
        var smoother = new SmoothedFiniteDifference(Window, Order, smoothedStates: false);
        int n = trajectories[0][0].Length, half = Window / 2;
        double centre = smoother.CentreWeight;
        var residuals = Enumerable.Range(0, n).Select(_ => new List<double>()).ToArray();
        foreach (var x in trajectories)
        {
            var smooth = smoother.Smooth(x);
            for (int i = half; i < x.Length - half; i++)
                for (int d = 0; d < n; d++) residuals[d].Add(Math.Abs(x[i][d] - smooth[i][d]));
        }
        return residuals.Select(r => r.Count == 0 ? 0 : 1.4826 * Statistics.Median(r) / Math.Sqrt(1 - centre)).ToArray();
    }

    /// <summary>σ̂ of every state as a fraction of that state's standard deviation (0.01 = 1% noise).</summary>
    /// <param name="trajectories">Each: samples × states.</param>
    public static double[] Relative(IReadOnlyList<double[][]> trajectories)
    {
        var sigma = Absolute(trajectories);
        var all = trajectories.SelectMany(x => x).ToArray();
        return sigma.Select((s, d) =>
        {
            double mean = all.Average(r => r[d]), spread = Math.Sqrt(all.Average(r => (r[d] - mean) * (r[d] - mean)));
            return spread > 0 ? s / spread : 0;
        }).ToArray();
    }
}

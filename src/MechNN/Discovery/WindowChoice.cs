namespace MechNN.Discovery;

/// <summary>
/// The automatic window of MNN discovery: about two of the data's shortest characteristic times
/// (<see cref="TimeScale"/>), between 20 and 50 steps, windows a tenth of that apart. Short enough that the
/// features-from-solution cycles stay close to the data on fast systems (on Lorenz at 5% noise, windows of 50 steps made
/// them drift, 25 did not), long enough that integration averages the noise on slow ones.
/// </summary>
internal static class WindowChoice
{
    public const int Shortest = 20, Longest = 50;

    /// <summary>The automatic refit window in characteristic times: on the linear SHO (τ 0.5, 2,500 samples) 6, 12 and
    /// 20 τ gave a median max error at 5% noise of 1.3, 1.1 and 1.7% (seeds 100–111).</summary>
    public const double RefitTimes = 12;

    /// <summary>The options with <see cref="MechanisticDiscoveryOptions.Window"/> and <see cref="MechanisticDiscoveryOptions.Stride"/>
    /// resolved (given values are kept; an automatic window never exceeds the shortest trajectory).</summary>
    public static MechanisticDiscoveryOptions Resolve(MechanisticDiscoveryOptions options, IReadOnlyList<double[][]> trajectories, double dt)
    {
        int window = options.Window, refit = options.RefitWindow, samples = trajectories.Min(x => x.Length);
        var tau = new Lazy<double>(() => TimeScale.Shortest(trajectories, dt));
        if (window == MechanisticDiscoveryOptions.Automatic)
        {
            window = double.IsFinite(tau.Value) ? (int)Math.Clamp(Math.Round(2 * tau.Value / dt), Shortest, Longest) : Longest;
            window = Math.Min(window, samples);
        }
        // No time scale (nothing varies): no refit; a refit no longer than the window would repeat the fit.
        if (refit == MechanisticDiscoveryOptions.Automatic)
            refit = double.IsFinite(tau.Value) ? Math.Min(samples, (int)Math.Round(RefitTimes * tau.Value / dt)) : 0;
        if (refit <= window) refit = 0;
        int stride = options.Stride == MechanisticDiscoveryOptions.Automatic ? Math.Max(1, (int)Math.Round(window / 10.0)) : options.Stride;
        return options with { Window = window, Stride = stride, RefitWindow = Math.Min(refit, samples) };
    }
}

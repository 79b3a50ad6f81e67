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

    /// <summary>The options with <see cref="MechanisticDiscoveryOptions.Window"/> and <see cref="MechanisticDiscoveryOptions.Stride"/>
    /// resolved (given values are kept; an automatic window never exceeds the shortest trajectory).</summary>
    public static MechanisticDiscoveryOptions Resolve(MechanisticDiscoveryOptions options, IReadOnlyList<double[][]> trajectories, double dt)
    {
        int window = options.Window, samples = trajectories.Min(x => x.Length);
        if (window == MechanisticDiscoveryOptions.Automatic)
        {
            double tau = TimeScale.Shortest(trajectories, dt);
            window = double.IsFinite(tau) ? (int)Math.Clamp(Math.Round(2 * tau / dt), Shortest, Longest) : Longest;
            window = Math.Min(window, samples);
        }
        int stride = options.Stride == MechanisticDiscoveryOptions.Automatic ? Math.Max(1, (int)Math.Round(window / 10.0)) : options.Stride;
        return options with { Window = window, Stride = stride };
    }
}

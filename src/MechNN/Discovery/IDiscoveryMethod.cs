namespace MechNN.Discovery;

/// <summary>Progress of a discovery run: cycle, epoch (= EpochsPerCycle after the cycle's pruning), loss, active terms.</summary>
public readonly record struct DiscoveryProgress(int Cycle, int Epoch, double Loss, int ActiveTerms);

/// <summary>
/// A discovery method (SINDy, MNN discovery, rational MNN discovery): configured at construction, fitted on
/// trajectories, returning the one fitted type. Swapping methods is swapping the constructor.
/// </summary>
public interface IDiscoveryMethod
{
    /// <summary>Fits ẋ = f(x) to several trajectories of one system (same state width).</summary>
    /// <param name="trajectories">Each: samples × states, and the sample times.</param>
    /// <param name="names">State names (default x0, x1, …).</param>
    /// <param name="progress">Called as the fit advances (methods that fit in one step do not call it).</param>
    /// <returns>The discovered model.</returns>
    /// <exception cref="ArgumentException">Empty or inconsistent trajectories, or times the method cannot use
    /// (<see cref="NonUniformStepsException"/> for methods that need one uniform step).</exception>
    DiscoveredModel Fit(IReadOnlyList<(double[][] X, double[] T)> trajectories, IReadOnlyList<string>? names = null, Action<DiscoveryProgress>? progress = null);
}

/// <summary>The one-trajectory form of <see cref="IDiscoveryMethod.Fit"/>.</summary>
public static class DiscoveryMethodExtensions
{
    /// <summary>Fits ẋ = f(x) to one trajectory.</summary>
    /// <param name="method">The discovery method.</param>
    /// <param name="x">Samples × states.</param>
    /// <param name="t">Sample times.</param>
    /// <param name="names">State names (default x0, x1, …).</param>
    /// <param name="progress">Called as the fit advances.</param>
    public static DiscoveredModel Fit(this IDiscoveryMethod method, double[][] x, double[] t, IReadOnlyList<string>? names = null, Action<DiscoveryProgress>? progress = null) =>
        method.Fit(new[] { (x, t) }, names, progress);
}

using MechNN.Discovery.Libraries;

namespace MechNN.Discovery.Sindy;

/// <summary>
/// Sparse identification of nonlinear dynamics: ẋ ≈ Θ(x)ξ with a candidate library, a differentiator and a sparse
/// optimiser (PySINDy's estimator); the library reads the differentiator's <see cref="IDifferentiator.States"/> (the
/// smoothed x of a smoothing differentiator, as PySINDy 2.x). Several trajectories are concatenated after each is differentiated on its own.
/// <see cref="Fit"/> returns a <see cref="DiscoveredModel"/>, which prints, predicts, simulates and scores.
/// </summary>
/// <param name="library">The candidate library Θ.</param>
/// <param name="optimizer">The sparse regression (default STLSQ, threshold 0.1).</param>
/// <param name="differentiator">How ẋ is estimated (default second-order finite differences).</param>
public sealed class SindyModel(ICandidateLibrary library, ISparseOptimizer? optimizer = null, IDifferentiator? differentiator = null) : IDiscoveryMethod
{
    /// <summary>The candidate library Θ.</summary>
    public ICandidateLibrary Library { get; } = library;
    /// <summary>The sparse regression.</summary>
    public ISparseOptimizer Optimizer { get; } = optimizer ?? new Stlsq();
    /// <summary>How ẋ is estimated from the samples.</summary>
    public IDifferentiator Differentiator { get; } = differentiator ?? new FiniteDifference();

    /// <inheritdoc/>
    public DiscoveredModel Fit(IReadOnlyList<(double[][] X, double[] T)> trajectories, IReadOnlyList<string>? names = null, Action<DiscoveryProgress>? progress = null)
    {
        if (trajectories.Count == 0) throw new ArgumentException("At least one trajectory is needed.");
        int n = trajectories[0].X[0].Length;
        if (names is not null && names.Count != n) throw new ArgumentException($"{names.Count} names for {n} states.", nameof(names));
        var stateNames = names ?? Enumerable.Range(0, n).Select(i => $"x{i}").ToList();
        var theta = new List<double[]>();
        var dx = new List<double[]>();
        foreach (var (x, t) in trajectories)
        {
            if (x[0].Length != n) throw new ArgumentException($"Trajectories must share the state width ({n} vs {x[0].Length}).");
            dx.AddRange(Differentiator.Differentiate(x, t));
            theta.AddRange(Differentiator.States(x).Select(row => Library.Evaluate(row)));
        }
        var featureNames = Library.FeatureNames(stateNames);
        if (theta.Count < featureNames.Count)
            throw new ArgumentException($"{theta.Count} samples for a library of {featureNames.Count} terms ({string.Join(", ", featureNames)}): least squares needs at least {featureNames.Count} samples; give more rows or a smaller library (lower degree)");
        var settings = Optimizer is Stlsq s
            ? new Dictionary<string, double> { ["threshold"] = s.Threshold, ["alpha"] = s.Alpha }
            : new Dictionary<string, double>();
        return new DiscoveredModel("sindy", Library, stateNames, Optimizer.Fit(theta.ToArray(), dx.ToArray()), settings: settings);
    }
}

using MechNN.Discovery.Libraries;

namespace MechNN.Discovery.Sindy;

/// <summary>
/// Sparse identification of nonlinear dynamics: ẋ ≈ Θ(x)ξ with a candidate library, a differentiator and a sparse
/// optimiser (PySINDy's estimator); the library reads the differentiator's <see cref="IDifferentiator.States"/> (the
/// smoothed x of a smoothing differentiator, as PySINDy 2.x). Several trajectories are concatenated after each is
/// differentiated on its own. <see cref="Fit"/> returns a <see cref="DiscoveredModel"/>, which prints, predicts,
/// simulates and scores.
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
        var regression = SindyRegression.Differentiated(Library, Differentiator, trajectories, names);
        return regression.Model("sindy", Optimizer.Fit(regression.Theta, regression.Targets), Optimizer);
    }
}

/// <summary>
/// The linear regression every SINDy variant solves, Θ ξ ≈ targets (rows = samples or test functions), checked: one
/// state width, names, at least as many rows as library terms.
/// </summary>
internal sealed record SindyRegression(ICandidateLibrary Library, IReadOnlyList<string> Names, double[][] Theta, double[][] Targets)
{
    /// <summary>Θ(x) against differentiated x, trajectory by trajectory.</summary>
    public static SindyRegression Differentiated(ICandidateLibrary library, IDifferentiator differentiator,
        IReadOnlyList<(double[][] X, double[] T)> trajectories, IReadOnlyList<string>? names)
    {
        var stateNames = StateNames(trajectories, names);
        var theta = new List<double[]>();
        var dx = new List<double[]>();
        foreach (var (x, t) in trajectories)
        {
            dx.AddRange(differentiator.Differentiate(x, t));
            theta.AddRange(differentiator.States(x).Select(row => library.Evaluate(row)));
        }
        return Checked(library, stateNames, theta.ToArray(), dx.ToArray());
    }

    /// <summary>The state names (given or x0, x1, …), after checking every trajectory has the same width.</summary>
    public static IReadOnlyList<string> StateNames(IReadOnlyList<(double[][] X, double[] T)> trajectories, IReadOnlyList<string>? names)
    {
        if (trajectories.Count == 0) throw new ArgumentException("At least one trajectory is needed.");
        int n = trajectories[0].X[0].Length;
        if (names is not null && names.Count != n) throw new ArgumentException($"{names.Count} names for {n} states.", nameof(names));
        foreach (var (x, _) in trajectories)
            if (x[0].Length != n) throw new ArgumentException($"Trajectories must share the state width ({n} vs {x[0].Length}).");
        return names ?? Enumerable.Range(0, n).Select(i => $"x{i}").ToList();
    }

    /// <summary>A regression with enough rows for the library.</summary>
    /// <param name="rows">What a row is, for the message ("samples", "test functions").</param>
    public static SindyRegression Checked(ICandidateLibrary library, IReadOnlyList<string> names, double[][] theta, double[][] targets, string rows = "samples")
    {
        var featureNames = library.FeatureNames(names);
        if (theta.Length < featureNames.Count)
            throw new ArgumentException($"{theta.Length} {rows} for a library of {featureNames.Count} terms ({string.Join(", ", featureNames)}): least squares needs at least {featureNames.Count} {rows}; give more rows or a smaller library (lower degree)");
        return new SindyRegression(library, names, theta, targets);
    }

    /// <summary>The fitted model, with the optimiser's settings when it is STLSQ.</summary>
    public DiscoveredModel Model(string method, double[][] coefficients, ISparseOptimizer optimizer, IReadOnlyDictionary<string, double>? extra = null)
    {
        var settings = optimizer is Stlsq s
            ? new Dictionary<string, double> { ["threshold"] = s.Threshold, ["alpha"] = s.Alpha }
            : new Dictionary<string, double>();
        foreach (var (key, value) in extra ?? new Dictionary<string, double>()) settings[key] = value;
        return new DiscoveredModel(method, Library, Names, coefficients, settings: settings);
    }
}

using MechNN.Discovery.Libraries;
using MechNN.Integrators;

namespace MechNN.Discovery.Sindy;

/// <summary>
/// Sparse identification of nonlinear dynamics: ẋ ≈ Θ(x)ξ with a candidate library, a differentiator and a sparse
/// optimiser (PySINDy's estimator: Fit, Predict, Score, Simulate, Equations). Several trajectories are concatenated
/// after each is differentiated on its own.
/// </summary>
public sealed class SindyModel(ICandidateLibrary library, ISparseOptimizer? optimizer = null, IDifferentiator? differentiator = null)
{
    public ICandidateLibrary Library { get; } = library;
    public ISparseOptimizer Optimizer { get; } = optimizer ?? new Stlsq();
    public IDifferentiator Differentiator { get; } = differentiator ?? new FiniteDifference();
    /// <summary>ξ[target][feature] after fitting.</summary>
    public double[][]? Coefficients { get; private set; }
    public IReadOnlyList<string> StateNames { get; private set; } = Array.Empty<string>();

    public SindyModel Fit(IReadOnlyList<(double[][] X, double[] T)> trajectories, IReadOnlyList<string>? names = null)
    {
        if (trajectories.Count == 0) throw new ArgumentException("At least one trajectory is needed.");
        int n = trajectories[0].X[0].Length;
        StateNames = names ?? Enumerable.Range(0, n).Select(i => $"x{i}").ToList();
        var theta = new List<double[]>();
        var dx = new List<double[]>();
        foreach (var (x, t) in trajectories)
        {
            if (x[0].Length != n) throw new ArgumentException($"Trajectories must share the state width ({n} vs {x[0].Length}).");
            dx.AddRange(Differentiator.Differentiate(x, t));
            theta.AddRange(x.Select(row => Library.Evaluate(row)));
        }
        Coefficients = Optimizer.Fit(theta.ToArray(), dx.ToArray());
        return this;
    }

    public SindyModel Fit(double[][] x, double[] t, IReadOnlyList<string>? names = null) => Fit(new[] { (x, t) }, names);

    /// <summary>The model's ẋ at one state.</summary>
    public double[] Predict(double[] state)
    {
        var c = Coefficients ?? throw new InvalidOperationException("Fit the model first.");
        var theta = Library.Evaluate(state);
        return c.Select(row => row.Zip(theta, (a, b) => a * b).Sum()).ToArray();
    }

    /// <summary>R² of the predicted derivatives against the differentiated data (all targets pooled).</summary>
    public double Score(double[][] x, double[] t)
    {
        var dx = Differentiator.Differentiate(x, t);
        double ssRes = 0, ssTot = 0;
        for (int j = 0; j < dx[0].Length; j++)
        {
            double mean = dx.Average(r => r[j]);
            for (int i = 0; i < x.Length; i++)
            {
                double p = Predict(x[i])[j];
                ssRes += Math.Pow(dx[i][j] - p, 2);
                ssTot += Math.Pow(dx[i][j] - mean, 2);
            }
        }
        return 1 - ssRes / ssTot;
    }

    /// <summary>Integrates the discovered model (Dormand–Prince) from x0 to every time.</summary>
    public double[][] Simulate(double[] x0, IReadOnlyList<double> times, double relativeTolerance = 1e-10, double absoluteTolerance = 1e-10) =>
        new DormandPrince45(relativeTolerance, absoluteTolerance).Integrate((_, s) => Predict(s), x0, times);

    /// <summary>The equations as PySINDy prints them.</summary>
    public IReadOnlyList<string> Equations(int precision = 3) =>
        EquationFormatter.Format(Coefficients ?? throw new InvalidOperationException("Fit the model first."),
            Library.FeatureNames(StateNames), StateNames, precision);
}

using MechNN.Numerics;
using MechNN.Discovery.Libraries;

namespace MechNN.Discovery.Sindy;

/// <summary>What an ensemble fit found: the model (median coefficients of the terms kept) and, per state and term, the
/// fraction of bags that kept the term.</summary>
/// <param name="Model">The fitted model.</param>
/// <param name="Inclusion">Inclusion probabilities, states × features.</param>
public sealed record EnsembleFit(DiscoveredModel Model, double[][] Inclusion);

/// <summary>
/// Ensemble SINDy (Fasel et al. 2022, PySINDy's EnsembleOptimizer with bagging and "bragging"): the rows of the SINDy
/// regression (Θ(x) against differentiated x) are resampled with replacement <c>bags</c> times by a seeded generator,
/// the sparse optimiser fits each bag, and a term is kept where the fraction of bags that keep it reaches
/// <c>inclusion</c>; its coefficient is the median over all bags.
/// </summary>
/// <param name="library">The candidate library Θ.</param>
/// <param name="optimizer">The sparse regression of each bag (default STLSQ, threshold 0.1).</param>
/// <param name="differentiator">How ẋ is estimated (default second-order finite differences).</param>
/// <param name="bags">Bootstrap resamples (≥ 1).</param>
/// <param name="inclusion">Least fraction of bags that keep a term for the ensemble to keep it, in (0, 1].</param>
/// <param name="seed">Seed of the resampling.</param>
public sealed class EnsembleSindy(ICandidateLibrary library, ISparseOptimizer? optimizer = null, IDifferentiator? differentiator = null,
    int bags = 40, double inclusion = 0.6, int seed = 0) : IDiscoveryMethod
{
    /// <summary>The candidate library Θ.</summary>
    public ICandidateLibrary Library { get; } = library;
    /// <summary>The sparse regression of each bag.</summary>
    public ISparseOptimizer Optimizer { get; } = optimizer ?? new Stlsq();
    /// <summary>How ẋ is estimated from the samples.</summary>
    public IDifferentiator Differentiator { get; } = differentiator ?? new FiniteDifference();
    /// <summary>Bootstrap resamples.</summary>
    public int Bags { get; } = bags >= 1 ? bags : throw OptionCheck.Invalid("bags", "≥ 1", bags);
    /// <summary>Least inclusion probability of a kept term.</summary>
    public double Inclusion { get; } = inclusion > 0 && inclusion <= 1 ? inclusion : throw OptionCheck.Invalid("inclusion threshold", "in (0, 1]", inclusion);
    /// <summary>Seed of the resampling.</summary>
    public int Seed { get; } = seed;

    /// <inheritdoc/>
    public DiscoveredModel Fit(IReadOnlyList<(double[][] X, double[] T)> trajectories, IReadOnlyList<string>? names = null, Action<DiscoveryProgress>? progress = null) =>
        FitEnsemble(trajectories, names).Model;

    /// <summary>The fit with its inclusion probabilities.</summary>
    /// <param name="trajectories">Each: samples × states, and the sample times.</param>
    /// <param name="names">State names (default x0, x1, …).</param>
    public EnsembleFit FitEnsemble(IReadOnlyList<(double[][] X, double[] T)> trajectories, IReadOnlyList<string>? names = null)
    {
        var regression = SindyRegression.Differentiated(Library, Differentiator, trajectories, names);
        int rows = regression.Theta.Length, states = regression.Names.Count, features = regression.Theta[0].Length;
        var random = new Random(Seed);
        var fits = new double[Bags][][];
        for (int b = 0; b < Bags; b++)
        {
            var pick = Enumerable.Range(0, rows).Select(_ => random.Next(rows)).ToArray();
            fits[b] = Optimizer.Fit(pick.Select(i => regression.Theta[i]).ToArray(), pick.Select(i => regression.Targets[i]).ToArray());
        }
        var inclusion = new double[states][];
        var coefficients = new double[states][];
        for (int d = 0; d < states; d++)
        {
            inclusion[d] = new double[features];
            coefficients[d] = new double[features];
            for (int f = 0; f < features; f++)
            {
                var values = fits.Select(fit => fit[d][f]).ToArray();
                inclusion[d][f] = values.Count(v => v != 0) / (double)Bags;
                if (inclusion[d][f] >= Inclusion) coefficients[d][f] = Statistics.Median(values);
            }
        }
        var model = regression.Model("ensemble-sindy", coefficients, Optimizer,
            new Dictionary<string, double> { ["bags"] = Bags, ["inclusion"] = Inclusion, ["seed"] = Seed });
        return new EnsembleFit(model, inclusion);
    }
}

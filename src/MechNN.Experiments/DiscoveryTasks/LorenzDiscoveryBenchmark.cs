using MechNN.Discovery;
using MechNN.Discovery.Libraries;
using MechNN.Discovery.Sindy;
using MechNN.Experiments.Systems;

namespace MechNN.Experiments.DiscoveryTasks;

/// <summary>
/// The reference MNN's Lorenz protocol (σ 10, ρ 28, β 8/3; dt 0.01; 10,000 steps; x0 (1, 1, 1)) and its true
/// coefficients on the degree-2 library; the noise levels' check (the sweep itself is <see cref="DiscoverySweep"/>).
/// </summary>
public static class LorenzDiscoveryBenchmark
{
    /// <summary>Sample spacing and count of the trajectory.</summary>
    public const double Dt = 0.01;

    /// <inheritdoc cref="Dt"/>
    public const int Steps = 10_000;

    /// <summary>State names of the three equations.</summary>
    public static readonly IReadOnlyList<string> Names = new[] { "x0", "x1", "x2" };

    /// <summary>True coefficients on the degree-2 library: 1, x0, x1, x2, x0², x0x1, x0x2, x1², x1x2, x2².</summary>
    public static readonly IReadOnlyList<double[]> Truth = new[]
    {
        new double[] { 0, -10, 10, 0, 0, 0, 0, 0, 0, 0 },
        new double[] { 0, 28, -1, 0, 0, 0, -1, 0, 0, 0 },
        new double[] { 0, 0, 0, -8.0 / 3, 0, 1, 0, 0, 0, 0 },
    };

    /// <summary>The methods <see cref="Fit"/> knows.</summary>
    public static readonly IReadOnlyList<string> Methods = new[] { "SINDy (finite differences)", "SINDy (Savitzky–Golay 11/3)", "MNN" };

    /// <summary>Checks noise levels before the sweep starts.</summary>
    /// <param name="levels">Noise levels, fractions of each state's std.</param>
    /// <exception cref="ArgumentException">No level, or a level is negative.</exception>
    public static void Validate(IReadOnlyList<double> levels)
    {
        if (levels.Count == 0) throw new ArgumentException("--noise: give at least one level");
        foreach (var level in levels)
            if (!(level >= 0)) throw new ArgumentException($"--noise: {level} is negative (levels are fractions of each state's std, ≥ 0)");
    }

    /// <summary>The noise-free trajectory and its sample times.</summary>
    /// <param name="steps">Number of samples (the sweep's <see cref="Steps"/> by default).</param>
    /// <returns>States (steps × 3) and times.</returns>
    public static (double[][] States, double[] Times) Clean(int steps = Steps)
    {
        var (states, _) = new Lorenz().Trajectory(new[] { 1.0, 1, 1 }, Dt, steps);
        return (states, Enumerable.Range(0, states.Length).Select(i => i * Dt).ToArray());
    }

    /// <summary>Fits one method (the demo's fixed settings) to a Lorenz trajectory sampled every <see cref="Dt"/>.</summary>
    /// <param name="method">One of <see cref="Methods"/>.</param>
    /// <param name="states">The (noisy) trajectory.</param>
    /// <param name="times">Its sample times.</param>
    /// <param name="seed">Seed of the MNN's initialisation.</param>
    /// <returns>The discovered model on the degree-2 library.</returns>
    /// <exception cref="ArgumentException"><paramref name="method"/> is not one of <see cref="Methods"/>.</exception>
    public static DiscoveredModel Fit(string method, double[][] states, double[] times, long seed)
    {
        if (!Methods.Contains(method)) throw new ArgumentException($"discovery method '{method}' is not known (expected {string.Join(", ", Methods)})", nameof(method));
        double[][] xi = method == "MNN"
            ? new MechanisticDiscovery(new PolynomialLibrary(3, 2), new MechanisticDiscoveryOptions { Seed = seed, Stride = 5, Cycles = 3, EpochsPerCycle = 2, DenoiserWidth = 128 })
                .Fit(states, Dt, Names).Coefficients!
            : new SindyModel(new PolynomialLibrary(3, 2), new Stlsq(0.1),
                method.Contains("Savitzky") ? new SmoothedFiniteDifference() : new FiniteDifference()).Fit(states, times, Names).Coefficients!;
        return new DiscoveredModel(method, new LibrarySpec("polynomial", 3, 2), Names, xi);
    }

    /// <summary>Scores a model fitted by <see cref="Fit"/> term by term against <see cref="Truth"/>.</summary>
    /// <param name="model">The discovered model.</param>
    /// <returns>True, wrong and missing terms and the worst relative error of the true ones.</returns>
    public static TermScore Score(DiscoveredModel model) => TermScore.Of(Truth.ToArray(), model.Coefficients);
}

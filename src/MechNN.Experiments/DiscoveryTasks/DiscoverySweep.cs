using System.Diagnostics;
using MechNN.Discovery;
using MechNN.Discovery.Libraries;
using MechNN.Discovery.Sindy;
using MechNN.Experiments.Systems;

namespace MechNN.Experiments.DiscoveryTasks;

/// <summary>One catalogue system of the sweep: its trajectory protocol, library degree and SINDy threshold.</summary>
public sealed record SweepSystem(string Name, int Degree, double Dt, int Steps, double Threshold);

/// <summary>One fit of the sweep: system, noise, seed, method; structure exact, worst relative error of the true terms, seconds.</summary>
public sealed record SweepRow(string System, double Noise, int Seed, string Method, bool StructureExact, double MaxRelativeError, double Seconds);

/// <summary>Per system, noise and method over the seeds: fraction of exact structures, median worst error, median seconds.</summary>
public sealed record SweepSummary(string System, double Noise, string Method, double ExactFraction, double MedianMaxRelativeError, double MedianSeconds, int Seeds);

/// <summary>
/// `bench discovery`: catalogue systems × noise levels (Gaussian, relative to each state's std) × seeds × methods, on the
/// same data in the same process. Methods: SINDy with finite differences, SINDy with Savitzky–Golay differences
/// (PySINDy 2.x: library on the smoothed x), weak-form SINDy, ensemble SINDy (smoothed differences) — all STLSQ at the
/// system's threshold — and MNN discovery with the CLI's defaults (denoiser and threshold chosen from the data).
/// </summary>
public static class DiscoverySweep
{
    /// <summary>The systems (PySINDy's protocols where they have one; Lorenz as the reference MNN's).</summary>
    public static readonly IReadOnlyList<SweepSystem> Systems = new[]
    {
        new SweepSystem("lorenz", 2, 0.01, 10_000, 0.1),
        new SweepSystem("linear-sho", 2, 0.01, 2500, 0.05),
        new SweepSystem("vanderpol", 3, 0.01, 5000, 0.05),
        new SweepSystem("rossler", 2, 0.01, 10_000, 0.05),
    };

    /// <summary>The methods, in the order each is run on one data set.</summary>
    public static readonly IReadOnlyList<string> Methods = new[] { "SINDy FD", "SINDy smoothed", "weak SINDy", "ensemble SINDy", "MNN defaults" };

    /// <summary>A system by name.</summary>
    /// <exception cref="ArgumentException">Not a sweep system.</exception>
    public static SweepSystem System(string name) => Systems.FirstOrDefault(s => s.Name == name)
        ?? throw new ArgumentException($"--systems: '{name}' is not a sweep system (known: {string.Join(", ", Systems.Select(s => s.Name))})");

    /// <summary>The true coefficients on the system's polynomial library: least squares of the exact vector field on
    /// Θ(x) along the clean trajectory, exact for a polynomial system inside the library (round-off cut at 1e-9).</summary>
    public static double[][] Truth(SweepSystem system, double[][] clean)
    {
        var (dynamics, _) = SystemCatalog.Get(system.Name);
        var library = new PolynomialLibrary(dynamics.Dimension, system.Degree);
        var xi = new Stlsq(threshold: 1e-9, alpha: 0).Fit(clean.Select(r => library.Evaluate(r)).ToArray(), clean.Select(dynamics.Derivative).ToArray());
        return xi.Select(r => r.Select(v => Math.Abs(v) < 1e-9 ? 0 : v).ToArray()).ToArray();
    }

    /// <summary>The clean trajectory of a system from its catalogue state.</summary>
    public static (double[][] X, double[] T) Clean(SweepSystem system)
    {
        var (dynamics, x0) = SystemCatalog.Get(system.Name);
        return dynamics.Trajectory(x0, system.Dt, system.Steps);
    }

    /// <summary>Fits one method to one noisy trajectory and scores it.</summary>
    /// <exception cref="ArgumentException">An unknown method.</exception>
    public static SweepRow Run(SweepSystem system, double noise, int seed, string method, double[][] x, double[] t, double[][] truth)
    {
        int n = x[0].Length;
        var library = new PolynomialLibrary(n, system.Degree);
        var stlsq = new Stlsq(system.Threshold);
        IDiscoveryMethod fit = method switch
        {
            "SINDy FD" => new SindyModel(library, stlsq),
            "SINDy smoothed" => new SindyModel(library, stlsq, new SmoothedFiniteDifference()),
            "weak SINDy" => new WeakSindy(library, stlsq),
            "ensemble SINDy" => new EnsembleSindy(library, stlsq, new SmoothedFiniteDifference(), seed: seed),
            "MNN defaults" => new MechanisticDiscovery(library, MechanisticDiscoveryOptions.DataDriven with { Seed = seed }),
            _ => throw new ArgumentException($"--methods: '{method}' is not known (expected {string.Join(", ", Methods)})"),
        };
        var sw = Stopwatch.StartNew();
        var model = fit.Fit(x, t);
        double seconds = sw.Elapsed.TotalSeconds;
        var score = TermScore.Of(truth, model.Coefficients);
        return new SweepRow(system.Name, noise, seed, method, score.Wrong == 0 && score.Missing == 0, score.MaxRelativeError, seconds);
    }

    /// <summary>The rows grouped by system, noise and method.</summary>
    public static IReadOnlyList<SweepSummary> Summarise(IEnumerable<SweepRow> rows) => rows
        .GroupBy(r => (r.System, r.Noise, r.Method))
        .Select(g => new SweepSummary(g.Key.System, g.Key.Noise, g.Key.Method, g.Count(r => r.StructureExact) / (double)g.Count(),
            Median(g.Select(r => r.MaxRelativeError)), Median(g.Select(r => r.Seconds)), g.Count()))
        .ToList();

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Select(v => double.IsNaN(v) ? double.PositiveInfinity : v).Order().ToArray();
        int m = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }
}

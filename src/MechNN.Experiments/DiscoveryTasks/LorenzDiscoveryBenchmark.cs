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
    /// <returns>States (Steps × 3) and times.</returns>
    public static (double[][] States, double[] Times) Clean()
    {
        var (states, _) = new Lorenz().Trajectory(new[] { 1.0, 1, 1 }, Dt, Steps);
        return (states, Enumerable.Range(0, states.Length).Select(i => i * Dt).ToArray());
    }
}

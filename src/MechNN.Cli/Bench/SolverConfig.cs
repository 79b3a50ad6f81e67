namespace MechNN.Cli.Bench;

/// <summary>One solver benchmark shape: systems × steps, order, initial orders (the reference table).</summary>
internal sealed record SolverConfig(string Name, int Systems, int Steps, int Order, int InitialOrders, double SmnnMs, double TargetMs)
{
    /// <summary>The S-MNN (PyTorch, CUDA graphs) H100 figures and MechNN's GPU targets, forward + backward, float64.</summary>
    public static readonly IReadOnlyList<SolverConfig> All = new SolverConfig[]
    {
        new("lorenz", 1536, 50, 2, 1, 6.25, 2.0),
        new("kdv", 8192, 10, 4, 4, 6.50, 2.0),
        new("sine1000", 1, 1000, 2, 0, 51.6, 2.5),
        new("long1k", 64, 1000, 2, 1, 42.6, 2.5),
        new("long10k", 64, 10_000, 2, 1, 407, 8),
        new("long100k", 8, 100_000, 2, 1, 3759, 40),
        new("wide", 65_536, 50, 2, 1, 101, 30),
    };
}

using MechNN.Ode;
using MechNN.Ode.Solvers;
using MechNN.Ode.Solvers.Banded;
using MechNN.Ode.Solvers.Dense;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Tests.Ode;

/// <summary>Small builders for test problems (float64, CPU).</summary>
internal static class Problems
{
    public static Tensor Uniform(int T, double h) => full(T - 1, h, dtype: ScalarType.Float64);

    /// <summary>Time-invariant coefficients (1, E, D, R+1) from nested arrays [e][d][i].</summary>
    public static Tensor Coefficients(double[][][] c)
    {
        int e = c.Length, d = c[0].Length, r1 = c[0][0].Length;
        var flat = c.SelectMany(x => x.SelectMany(y => y)).ToArray();
        return tensor(flat, dtype: ScalarType.Float64).reshape(1, e, d, r1);
    }

    /// <summary>A random well-posed problem: top-order coefficients in [1, 2], steps in [0.05, 0.2].</summary>
    public static (OdeSpec Spec, Tensor C, Tensor B, Tensor? Iv, Tensor H) Random(Generator g, int batch, int T, int order, int dims,
        int initialSteps, TopOrderRows top, bool epsilon, int? equations = null)
    {
        int e = equations ?? dims;
        int k = initialSteps == 0 ? 0 : Math.Max(1, order);
        var spec = new OdeSpec(order)
        {
            Dims = dims, Equations = e, InitialSteps = initialSteps, InitialOrders = Math.Max(1, k), TopOrder = top, Epsilon = epsilon,
            Gamma = 0.5, Alpha = 0.1, Weights = new RowWeights(1.3, 0.7, 1.1),
        };
        var c = randn(new long[] { batch, T, e, dims, order + 1 }, dtype: ScalarType.Float64, generator: g);
        // Make the top-order coefficient dominant on the "own" dim of each equation so the ODE is non-degenerate.
        for (int q = 0; q < e; q++)
            c[TensorIndex.Ellipsis, q, q % dims, order] = 1 + rand(new long[] { batch, T }, dtype: ScalarType.Float64, generator: g);
        var b = randn(new long[] { batch, T, e }, dtype: ScalarType.Float64, generator: g);
        var iv = initialSteps == 0 ? null : randn(new long[] { batch, initialSteps, dims, k }, dtype: ScalarType.Float64, generator: g);
        var h = 0.05 + 0.15 * rand(new long[] { batch, T - 1 }, dtype: ScalarType.Float64, generator: g);
        return (spec, c, b, iv, h);
    }

    /// <summary>The solvers under test by name: dense oracle and the three banded backends.</summary>
    public static IOdeSolver Solver(string name) => name switch
    {
        "dense" => new DenseSolver(),
        "torch" => new BandedSolver { Backend = BandedBackend.TorchSequential },
        "cyclic" => new BandedSolver { Backend = BandedBackend.CyclicReduction },
        "fused" => new BandedSolver { Backend = BandedBackend.FusedCpu },
        _ => throw new ArgumentException(name),
    };

    public static double MaxAbs(Tensor x) => x.abs().max().item<double>();

    public static double RelativeError(Tensor actual, Tensor expected) =>
        MaxAbs(actual - expected) / Math.Max(MaxAbs(expected), 1e-300);
}

using System.Diagnostics;
using MechNN.Ode;
using MechNN.Ode.Solvers;
using MechNN.Ode.Solvers.Banded;
using MechNN.Ode.Solvers.Dense;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Cli.Bench;

/// <summary>Result of one solver on one config.</summary>
/// <param name="SolutionDiff">Largest relative difference of u from the first method's (NaN when not run).</param>
/// <param name="GradientDiff">Largest relative difference over the four input gradients, each relative to its own scale: kept
/// apart from u's because on ill-conditioned problems (kdv at h = 0.01) the gradients differ by far more (cpu.md).</param>
internal sealed record MethodResult(string Method, double MedianMs, double MinMs, double PeakMb, double SolutionDiff, double GradientDiff, string Status);

/// <summary>
/// Times forward + backward of one batched solve (gradients to all four inputs) for several solvers on the same random
/// problem in the same process, and checks that they agree.
/// </summary>
internal sealed class SolverBench(Device device, ScalarType dtype, int reps, double budgetSeconds, bool mnnFormulation, ISet<string>? only = null)
{
    public const string Sequential = "torch-sequential";

    /// <summary>Every method name, on any device (--methods takes a subset).</summary>
    public static readonly IReadOnlyList<string> MethodNames = new[] { Sequential, "fused-cpu", "fused-cuda", "cyclic-reduction", "dense-oracle" };

    public IEnumerable<(string Name, IOdeSolver Solver)> Methods(SolverConfig config) =>
        AllMethods().Where(m => only is null || only.Contains(m.Name));

    private IEnumerable<(string Name, IOdeSolver Solver)> AllMethods()
    {
        yield return (Sequential, new BandedSolver { Backend = BandedBackend.TorchSequential });
        if (device.type == DeviceType.CPU) yield return ("fused-cpu", new BandedSolver { Backend = BandedBackend.FusedCpu });
        if (device.type == DeviceType.CUDA && BandedSolver.FusedCudaAvailable) yield return ("fused-cuda", new BandedSolver { Backend = BandedBackend.FusedCuda });
        yield return ("cyclic-reduction", new BandedSolver { Backend = BandedBackend.CyclicReduction });
        yield return ("dense-oracle", new DenseSolver());
    }

    public OdeSpec Spec(SolverConfig c) => (mnnFormulation ? OdeSpec.Mnn(c.Order) : OdeSpec.Smnn(c.Order)) with
    {
        InitialSteps = c.InitialOrders > 0 ? 1 : 0, InitialOrders = Math.Max(1, c.InitialOrders),
    };

    public List<MethodResult> Run(SolverConfig config, Action<string> progress)
    {
        var spec = Spec(config);
        var g = manual_seed(20261123);
        long B = config.Systems, T = config.Steps, R1 = config.Order + 1;
        var coefficients = randn(new long[] { B, T, 1, 1, R1 }, dtype: dtype, generator: g);
        coefficients.select(-1, config.Order).abs_().add_(1); // top-order coefficient in [1, ∞)
        var inputs = new Inputs(
            coefficients.to(device),
            randn(new long[] { B, T, 1 }, dtype: dtype, generator: g).to(device),
            config.InitialOrders > 0 ? randn(new long[] { B, 1, 1, config.InitialOrders }, dtype: dtype, generator: g).to(device) : null,
            full(new long[] { B, T - 1 }, 0.01, dtype: dtype).to(device),
            randn(new long[] { B, T, 1, R1 }, dtype: dtype, generator: g).to(device));

        var results = new List<MethodResult>();
        Tensor[]? reference = null;
        foreach (var (name, solver) in Methods(config))
        {
            progress($"{config.Name}: {name}");
            if (name == "dense-oracle" && !DenseFits(config, spec))
            {
                results.Add(new MethodResult(name, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, "skipped: O((T·n)²) memory"));
                continue;
            }
            var warm = Stopwatch.StartNew();
            Tensor[] u;
            try { u = inputs.Run(spec, solver, check: true); }
            catch (IllPosedSystemException ex) { results.Add(new MethodResult(name, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, "failed: " + ex.Message)); continue; }
            Synchronize();
            double warmSeconds = warm.Elapsed.TotalSeconds;
            if (warmSeconds > budgetSeconds)
            {
                results.Add(new MethodResult(name, warmSeconds * 1000, warmSeconds * 1000, double.NaN, Diff(u, reference, solution: true), Diff(u, reference, solution: false), $"one run only: {warmSeconds:F1} s > budget"));
                reference ??= u;
                continue;
            }
            // Second warm-up (JIT tiers, allocator pools), doubling as the untimed peak-memory run on CPU.
            double peak = device.type == DeviceType.CPU
                ? PeakMemory.MeasureMb(() => { foreach (var t in inputs.Run(spec, solver, check: false)) t.Dispose(); })
                : double.NaN;
            var times = new List<double>();
            int count = Math.Max(1, Math.Min(reps, (int)(budgetSeconds / Math.Max(warmSeconds, 1e-6))));
            for (int r = 0; r < count; r++)
            {
                var sw = Stopwatch.StartNew();
                foreach (var t in inputs.Run(spec, solver, check: false)) t.Dispose();
                Synchronize();
                times.Add(sw.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            results.Add(new MethodResult(name, times[times.Count / 2], times[0], peak, Diff(u, reference, solution: true), Diff(u, reference, solution: false), $"{count} reps"));
            reference ??= u;
        }
        return results;
    }

    /// <summary>Largest relative difference of u (<paramref name="solution"/>) or over the input gradients, each relative
    /// to its own scale; 0 for the reference method itself.</summary>
    private static double Diff(Tensor[] u, Tensor[]? reference, bool solution)
    {
        if (reference is null) return 0;
        var pairs = u.Zip(reference);
        return (solution ? pairs.Take(1) : pairs.Skip(1))
            .Select(p => ((p.First - p.Second).abs().max() / p.Second.abs().max().clamp_min(1e-300)).item<double>()).DefaultIfEmpty(0).Max();
    }

    private bool DenseFits(SolverConfig c, OdeSpec spec)
    {
        double n = (double)c.Steps * spec.BlockSize + 1;
        double bytes = c.Systems * n * n * 8 * 4;
        return n <= 3100 && bytes <= (device.type == DeviceType.CPU ? 4e9 : 2e10) && c.Systems * n * n * n <= 5e11;
    }

    private void Synchronize()
    {
        if (device.type == DeviceType.CUDA) cuda.synchronize();
    }

    /// <summary>The inputs of one problem; Run does forward + backward and returns u and the input gradients (detached;
    /// on the CPU when checking).</summary>
    private sealed record Inputs(Tensor C, Tensor B, Tensor? Iv, Tensor H, Tensor Weight)
    {
        public Tensor[] Run(OdeSpec spec, IOdeSolver solver, bool check)
        {
            using var scope = NewDisposeScope();
            var leaves = new[] { C, B, Iv, H }.OfType<Tensor>().Select(x => x.detach().requires_grad_(true)).ToArray();
            var iv = Iv is null ? null : leaves[2];
            var h = leaves[^1];
            var solution = solver.Solve(OdeProblem.Create(spec, leaves[0], leaves[1], iv, h));
            var loss = (solution.U * Weight).sum() + solution.Epsilon.sum();
            loss.backward();
            if (check && leaves.Any(x => x.grad is null || !x.grad.isfinite().all().item<bool>()))
                throw new InvalidOperationException("benchmark produced a missing or non-finite gradient");
            var outputs = leaves.Select(x => x.grad!).Prepend(solution.U).Select(x => check ? x.detach().cpu() : x.detach()).ToArray();
            foreach (var t in outputs) t.MoveToOuterDisposeScope();
            return outputs;
        }
    }
}

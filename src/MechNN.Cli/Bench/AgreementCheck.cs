using MechNN.Ode;
using MechNN.Ode.Solvers;
using MechNN.Ode.Solvers.Banded;
using MechNN.Ode.Solvers.Dense;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Cli.Bench;

/// <summary>One backend's worst disagreement with the dense oracle over a grid of problem shapes.</summary>
internal sealed record Agreement(string Backend, int Cases, double WorstValue, double WorstGradient, string WorstCase, double ProbeValue,
    bool IllPosedNamed, IReadOnlyList<string> Refused);

/// <summary>
/// Runs every banded backend available on a device over a grid of random well-posed problems (R 1–4, D 1–3, three
/// top-order row sets, ε on/off, S 0/1/5, non-uniform steps, plus broadcast coefficients/steps and a 2-D batch shape)
/// and compares u and ε with the dense oracle, and the gradients of a random linear loss with respect to all four inputs
/// with the torch-ops sequential backend (the finite-difference-tested reference; the oracle's autograd-through-Cholesky
/// gradients lose ~1e-6 at R = 4, where cond(M) ≈ 1e11 and they are not refined), both computed on the CPU. This is how
/// the CUDA kernels are checked on a GPU machine (CI runs their code on the CPU through tests/CudaEmulation).
/// </summary>
internal sealed class AgreementCheck(Device device, int steps)
{
    public IEnumerable<(string Name, BandedBackend Backend)> Backends()
    {
        yield return ("torch-sequential", BandedBackend.TorchSequential);
        yield return ("cyclic-reduction", BandedBackend.CyclicReduction);
        if (device.type == DeviceType.CPU) yield return ("fused-cpu", BandedBackend.FusedCpu);
        if (device.type == DeviceType.CUDA && BandedSolver.FusedCudaAvailable) yield return ("fused-cuda", BandedBackend.FusedCuda);
    }

    public List<Agreement> Run(Action<string> progress)
    {
        var worst = Backends().ToDictionary(b => b.Name, _ => (Value: 0.0, Gradient: 0.0, Case: "", Probe: 0.0));
        var refused = Backends().ToDictionary(b => b.Name, _ => new List<string>());
        int cases = 0;
        foreach (var (name, problem, probe) in Grid().Concat(LongGrid()))
        {
            progress(name);
            cases++;
            var gradients = Outputs(new BandedSolver { Backend = BandedBackend.TorchSequential }, problem, CPU);
            var reference = problem.Steps > 64 ? gradients : Outputs(new DenseSolver(), problem, CPU);
            foreach (var (backend, kind) in Backends())
            {
                Tensor[] got;
                try { got = Outputs(new BandedSolver { Backend = kind }, problem, device); }
                catch (IllPosedSystemException ex)   // a well-posed problem refused: the worst disagreement there is
                {
                    refused[backend].Add($"{name} ({ex.Members.Count} members)");
                    continue;
                }
                double value = Math.Max(Rel(got[0], reference[0]), Rel(got[1], reference[1]));
                double gradient = got.Skip(2).Zip(gradients.Skip(2), Rel).DefaultIfEmpty(0).Max();
                var w = worst[backend];
                worst[backend] = probe
                    ? w with { Probe = Math.Max(w.Probe, value) }
                    : (Math.Max(w.Value, value), Math.Max(w.Gradient, gradient), Math.Max(value, gradient) > Math.Max(w.Value, w.Gradient) ? name : w.Case, w.Probe);
            }
        }
        return worst.Select(w => new Agreement(w.Key, cases, w.Value.Value, w.Value.Gradient, w.Value.Case, w.Value.Probe,
            NamesIllPosedMembers(Backends().First(b => b.Name == w.Key).Backend), refused[w.Key])).ToList();
    }

    /// <summary>
    /// Short and long batches in which members 1 and 2 are ill-posed (all-zero coefficients, no initial values: nothing
    /// pins u) must fail naming exactly those members, on every path (one thread per member, and chunked).
    /// </summary>
    private bool NamesIllPosedMembers(BandedBackend backend)
    {
        foreach (var steps in new[] { 9, 600 })
        {
            var p = Problem.Random(77, new long[] { 4 }, steps, 2, 1, 0, TopOrderRows.Continuity, false, broadcast: false);
            var c = p.Inputs[0].clone();
            c[1].zero_(); c[2].zero_();
            try
            {
                new BandedSolver { Backend = backend }.Solve(OdeProblem.Create(p.Spec, c.to(device), p.Inputs[1].to(device), null, p.Inputs[2].to(device)));
                return false;
            }
            catch (IllPosedSystemException ex) when (ex.Members.SequenceEqual(new long[] { 1, 2 })) { }
            catch (IllPosedSystemException) { return false; }
        }
        return true;
    }

    /// <summary>The shapes; a probe is a near-singular problem that must be accepted and solved, but whose backends can
    /// only agree to its conditioning (reported, not judged).</summary>
    private IEnumerable<(string Name, Problem Problem, bool Probe)> Grid()
    {
        foreach (var r in new[] { 1, 2, 3, 4 })
            foreach (var d in new[] { 1, 2, 3 })
                foreach (var top in new[] { TopOrderRows.Central, TopOrderRows.None, TopOrderRows.Continuity })
                    foreach (var eps in new[] { true, false })
                        foreach (var s in new[] { 0, 1, 5 })
                            yield return ($"R={r} D={d} {top} ε={eps} S={s}", Problem.Random(1000 * r + 100 * d + 10 * (int)top + s + (eps ? 5 : 0),
                                new long[] { 3 }, steps, r, d, s, top, eps, broadcast: false), false);
        yield return ("broadcast c and h", Problem.Random(7, new long[] { 4 }, steps, 2, 1, 1, TopOrderRows.Central, true, broadcast: true), false);
        yield return ("batch shape (2, 3)", Problem.Random(8, new long[] { 2, 3 }, steps, 2, 2, 1, TopOrderRows.Continuity, false, broadcast: false), false);
        // Probes: tiny pivots (h^R ≈ 1e-8), so the structural well-posedness test runs and must accept them.
        yield return ("R=4, h ≈ 0.01 (kdv-like)", Problem.Random(9, new long[] { 5 }, steps, 4, 1, 1, TopOrderRows.Continuity, false, broadcast: false, stepScale: 0.1), true);
        yield return ("R=3, h ≈ 0.01, central, ε", Problem.Random(10, new long[] { 5 }, steps, 3, 1, 1, TopOrderRows.Central, true, broadcast: false, stepScale: 0.1), true);
    }

    /// <summary>
    /// Long, few-member problems (T = 600): the shapes the CUDA backend solves in parallel in time (chunks joined by
    /// separators; two-step separators with central rows; ε through block-wide products). The dense oracle is too large
    /// here; the reference is torch-sequential on the CPU.
    /// </summary>
    private static IEnumerable<(string Name, Problem Problem, bool Probe)> LongGrid()
    {
        foreach (var (top, orders) in new[] { (TopOrderRows.Continuity, new[] { 1, 2, 3, 4 }), (TopOrderRows.Central, new[] { 2, 3, 4 }) })
            foreach (var r in orders)
                foreach (var eps in new[] { false, true })
                    yield return ($"T=600 R={r} {top} ε={eps}", Problem.Random(5000 + 10 * r + 2 * (int)top + (eps ? 1 : 0), new long[] { 2 }, 600, r, 1, 1,
                        top, eps, broadcast: false), false);
        yield return ("T=600 R=2 None", Problem.Random(5100, new long[] { 2 }, 600, 2, 1, 1, TopOrderRows.None, false, broadcast: false), false);
    }

    /// <summary>u, ε, then the gradients of Σ w·u + Σ wε·ε with respect to c, b, h (and iv), all on the CPU.</summary>
    private static Tensor[] Outputs(IOdeSolver solver, Problem p, Device device)
    {
        using var scope = NewDisposeScope();
        var leaves = p.Inputs.Select(x => x.to(device).detach().requires_grad_(true)).ToArray();
        var iv = p.Inputs.Length == 4 ? leaves[3] : null;
        var solution = solver.Solve(OdeProblem.Create(p.Spec, leaves[0], leaves[1], iv, leaves[2], stepCount: p.Steps));
        var loss = (solution.U * p.WeightU.to(device)).sum() + (solution.Epsilon * p.WeightEps.to(device)).sum();
        loss.backward();
        var outputs = new[] { solution.U, solution.Epsilon }.Concat(leaves.Select(x => x.grad!)).Select(x => x.detach().cpu()).ToArray();
        foreach (var t in outputs) t.MoveToOuterDisposeScope();
        return outputs;
    }

    private static double Rel(Tensor a, Tensor b) =>
        ((a - b).abs().max() / b.abs().max().clamp_min(1e-300)).item<double>();

    /// <summary>A random well-posed problem: top-order coefficient dominant (in [1, 2]) on each equation's own dim.</summary>
    private sealed record Problem(OdeSpec Spec, Tensor[] Inputs, int Steps, Tensor WeightU, Tensor WeightEps)
    {
        public static Problem Random(int seed, long[] batch, int T, int order, int dims, int initialSteps, TopOrderRows top, bool epsilon, bool broadcast,
            double stepScale = 1)
        {
            var g = manual_seed(seed);
            int k = initialSteps == 0 ? 1 : order;
            var spec = new OdeSpec(order)
            {
                Dims = dims, Equations = dims, InitialSteps = initialSteps, InitialOrders = k, TopOrder = top, Epsilon = epsilon,
                Gamma = 0.5, Alpha = 0.1, Weights = new RowWeights(1.3, 0.7, 1.1),
            };
            long[] Shape(params long[] tail) => batch.Concat(tail).ToArray();
            var c = randn(Shape(T, dims, dims, order + 1), dtype: ScalarType.Float64, generator: g);
            for (int q = 0; q < dims; q++)
                c[TensorIndex.Ellipsis, q, q, order] = 1 + rand(Shape(T), dtype: ScalarType.Float64, generator: g);
            var h = stepScale * (0.05 + 0.15 * rand(Shape(T - 1), dtype: ScalarType.Float64, generator: g));
            if (broadcast)
            {
                c = c.reshape(-1, dims, dims, order + 1)[0].reshape(1, 1, dims, dims, order + 1).clone();   // one ODE for all
                h = h.reshape(-1)[0].reshape(1).clone();                                                     // one uniform step
            }
            var b = randn(Shape(T, dims), dtype: ScalarType.Float64, generator: g);
            var inputs = new List<Tensor> { c, b, h };
            if (initialSteps > 0) inputs.Add(randn(Shape(initialSteps, dims, k), dtype: ScalarType.Float64, generator: g));
            return new Problem(spec, inputs.ToArray(), T, randn(Shape(T, dims, order + 1), dtype: ScalarType.Float64, generator: g),
                randn(batch, dtype: ScalarType.Float64, generator: g));
        }
    }
}

using MechNN.Discovery.Libraries;
using MechNN.Ode;
using MechNN.Ode.Solvers;
using MechNN.Ode.Solvers.Banded;
using MechNN.Ode.Solvers.Dense;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MechNN.Experiments.Speed;

/// <summary>How a <see cref="LorenzTrainingStep"/> solves its ODEs.</summary>
public enum LorenzStepSolver
{
    /// <summary>The left-hand side (u' = rhs, fixed step) factorised once; each step only substitutes (the product's discovery path).</summary>
    Frozen,
    /// <summary>The banded solver from scratch every step (fused CPU/CUDA kernel).</summary>
    Banded,
    /// <summary>The dense oracle (the original MNN's dense QP solve): the baseline.</summary>
    Dense,
}

/// <summary>
/// One optimisation step of the reference Lorenz discovery (reference `discovery/lorenz.py`, ../docs: reference-mnn §3.1)
/// for timing whole training steps, not only solves: windows of 50 steps of a Lorenz trajectory (σ 10, ρ 28, β 8/3 from
/// (1, 1, 1), dt 0.01, 10,000 points); v = MLP(150 → 1024 → 1024 → 150, ReLU) of the window; ξ = MLP(64 → 1024 → 1024 →
/// 30) of a learnable 64-vector, masked (10 × 3); u' = Θ₂(v)·ξ per state (independent scalar ODEs, order 2 with
/// coefficients [0, 1, 0], one initial value v₀, γ 0.05, α 0, ε on, step 0.01, T 50); loss MSE(u, x) + MSE(v, x);
/// Adam 5e-4 on batches of 512 windows. Everything float64.
/// </summary>
public sealed class LorenzTrainingStep : IDisposable
{
    private const int Window = 50, Hidden = 1024, Latent = 64, States = 3;
    private const double Dt = DiscoveryTasks.LorenzDiscoveryBenchmark.Dt;
    private readonly LorenzStepSolver _solver;
    private readonly Tensor _windows, _z, _mask, _lhs, _steps;
    private readonly Sequential _denoiser, _xi;
    private readonly PolynomialLibrary _library = new(States, 2);
    private readonly OdeSpec _spec = new(2) { InitialSteps = 1, InitialOrders = 1, Gamma = 0.05, Alpha = 0 };
    private readonly FrozenOde? _frozen;
    private readonly Adam _adam;
    private readonly Generator _batches;
    private readonly int _batch;

    /// <summary>The step's model, data and optimiser on <paramref name="device"/>.</summary>
    /// <param name="solver">How the ODEs are solved.</param>
    /// <param name="device">Where everything lives.</param>
    /// <param name="batch">Windows per step (512 in the reference).</param>
    /// <param name="seed">Seed of the weights and the batch draws.</param>
    public LorenzTrainingStep(LorenzStepSolver solver, Device device, int batch = 512, long seed = 0)
    {
        if (batch < 1) throw new ArgumentException($"batch must be ≥ 1 (got {batch})");
        _solver = solver;
        _batch = batch;
        var (x, _) = DiscoveryTasks.LorenzDiscoveryBenchmark.Clean();                  // the reference protocol's trajectory
        _windows = tensor(x.SelectMany(r => r).ToArray(), dtype: ScalarType.Float64).reshape(x.Length, States)
            .unfold(0, Window, 1).permute(0, 2, 1).contiguous().to(device).DetachFromDisposeScope();   // (9951, 50, 3)
        manual_seed(seed);
        _denoiser = nn.Sequential(nn.Linear(Window * States, Hidden), nn.ReLU(), nn.Linear(Hidden, Hidden), nn.ReLU(), nn.Linear(Hidden, Window * States));
        _xi = nn.Sequential(nn.Linear(Latent, Hidden), nn.ReLU(), nn.Linear(Hidden, Hidden), nn.ReLU(), nn.Linear(Hidden, _library.FeatureNames(new[] { "x", "y", "z" }).Count * States));
        _denoiser.to(ScalarType.Float64).to(device);
        _xi.to(ScalarType.Float64).to(device);
        _z = new Parameter(randn(Latent, dtype: ScalarType.Float64).to(device));
        _mask = ones(10, States, dtype: ScalarType.Float64, device: device).DetachFromDisposeScope();
        _lhs = tensor(new[] { 0.0, 1, 0 }, dtype: ScalarType.Float64, device: device).reshape(1, 1, 1, 3).DetachFromDisposeScope();
        _steps = full(1, Dt, dtype: ScalarType.Float64, device: device).DetachFromDisposeScope();
        if (solver == LorenzStepSolver.Frozen) _frozen = new BandedSolver().Factorise(_spec, _lhs, _steps, stepCount: Window);
        _adam = optim.Adam(_denoiser.parameters().Concat(_xi.parameters()).Append((Parameter)_z), lr: 5e-4);
        _batches = new Generator((ulong)seed + 1, device: new Device(DeviceType.CPU));
    }

    /// <summary>One Adam step on a random batch; returns its loss (read back, so the step has finished on any device).</summary>
    /// <returns>The loss before the update.</returns>
    public double Step()
    {
        using var scope = NewDisposeScope();
        _adam.zero_grad();
        var index = randint(_windows.size(0), new long[] { _batch }, generator: _batches).to(_windows.device);
        var x = _windows.index_select(0, index);                                        // (B, 50, 3)
        var v = _denoiser.forward(x.reshape(_batch, -1)).reshape(x.shape);
        var xi = _xi.forward(_z).reshape(10, States) * _mask;
        var rhs = _library.Evaluate(v).matmul(xi).permute(0, 2, 1);                      // (B, 3, 50): one scalar ODE per state
        var v0 = v.select(1, 0);                                                         // (B, 3)
        var u = SolveU(rhs, v0).permute(0, 2, 1);                                        // (B, 50, 3)
        var loss = (u - x).square().mean() + (v - x).square().mean();
        loss.backward();
        MechNN.Training.AdamStep.Apply(_adam);
        return loss.item<double>();
    }

    private Tensor SolveU(Tensor rhs, Tensor v0)
    {
        var iv = v0.reshape(_batch, States, 1, 1, 1);                                    // (B, 3, S, D, k)
        if (_frozen is not null) return _frozen.Solve(rhs.unsqueeze(-1), iv).U.select(-1, 0).squeeze(-1);
        IOdeSolver solver = _solver == LorenzStepSolver.Dense ? new DenseSolver() : new BandedSolver();
        return solver.Solve(OdeProblem.Create(_spec, _lhs, rhs.unsqueeze(-1), iv, _steps, Window)).U.select(-1, 0).squeeze(-1);
    }

    /// <summary>Frees the data, networks and factorisation.</summary>
    public void Dispose()
    {
        _frozen?.Dispose();
        _denoiser.Dispose();
        _xi.Dispose();
        foreach (var t in new[] { _windows, _z, _mask, _lhs, _steps }) t.Dispose();
        _batches.Dispose();
    }
}

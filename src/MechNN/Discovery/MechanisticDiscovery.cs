using MechNN.Discovery.Libraries;
using MechNN.Numerics;
using MechNN.Ode;
using MechNN.Ode.Solvers.Banded;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MechNN.Discovery;

/// <summary>
/// MNN equation discovery (paper §5.1): the data are cut into windows; on each window the mechanistic layer solves
/// u' = Θ(v)·(ξ ⊙ mask) from u(0) = v₀, where v = x + NN(x) is a denoised copy of the window; the loss is
/// MSE(u, x) + MSE(v, x); cycles of training end in hard thresholding of |ξ| that prunes the mask.
/// The left-hand side (u' = rhs with fixed steps) never changes, so it is factorised once (<see cref="FrozenOde"/>).
/// Because u is linear in ξ for a fixed v, each cycle starts from the exact least-squares ξ through the same solver
/// ("integral" STLSQ: regress the windows on the solutions driven by each feature alone), then Adam refines ξ and the
/// denoiser jointly.
/// </summary>
/// <param name="library">The candidate library Θ.</param>
/// <param name="options">Windows, training and thresholding settings.</param>
public sealed class MechanisticDiscovery(ICandidateLibrary library, MechanisticDiscoveryOptions? options = null) : WindowedDiscovery(options)
{
    /// <summary>The candidate library Θ.</summary>
    public ICandidateLibrary Library { get; } = library;

    private protected override DiscoveredModel FitChecked(IReadOnlyList<double[][]> trajectories, double dt, IReadOnlyList<string> stateNames, Action<DiscoveryProgress>? progress)
    {
        var o = Options;
        int n = trajectories[0][0].Length, L = o.Window;
        manual_seed(o.Seed);
        using var scope = NewDisposeScope();
        var windows = Windows(trajectories);                                             // (W, L, n)
        long W = windows.size(0);
        int features = Library.FeatureNames(stateNames).Count;

        var spec = new OdeSpec(o.Order) { InitialSteps = 1, InitialOrders = 1, Epsilon = false };
        var derivativeOnly = zeros(o.Order + 1, dtype: ScalarType.Float64);
        derivativeOnly[1] = tensor(1.0, dtype: ScalarType.Float64);                       // u' = rhs
        using var frozen = new BandedSolver().Factorise(spec, derivativeOnly.reshape(1, 1, 1, o.Order + 1), full(1, dt, dtype: ScalarType.Float64), stepCount: L);

        Sequential? denoiser = o.DenoiserWidth > 0
            ? nn.Sequential(nn.Linear(L * n, o.DenoiserWidth), nn.ReLU(), nn.Linear(o.DenoiserWidth, o.DenoiserWidth), nn.ReLU(), nn.Linear(o.DenoiserWidth, L * n))
            : null;
        if (denoiser is not null)
        {
            denoiser.to(ScalarType.Float64);
            using (no_grad()) foreach (var p in denoiser.parameters().TakeLast(2)) p.zero_();  // start at v = x
        }
        Tensor Denoise(Tensor w) => denoiser is null ? w : w + denoiser.forward(w.reshape(w.size(0), -1)).reshape(w.shape);

        var mask = ones(features, n, dtype: ScalarType.Bool);
        ICoefficientSource xi = o.XiNetworkWidth > 0 ? new NetworkCoefficients(features, n, o.XiNetworkWidth) : new DirectCoefficients(features, n);
        var parameters = xi.Parameters().ToList();
        if (denoiser is not null) parameters.AddRange(denoiser.parameters());
        var adam = optim.Adam(parameters, lr: o.LearningRate);

        double lastLoss = double.NaN;
        for (int cycle = 0; cycle < o.Cycles; cycle++)
        {
            using (no_grad())
            {
                var v = Denoise(windows);
                if (o.Nonlinearity is null) xi.Set(IntegralLeastSquares(frozen, v, windows, mask));
                else if (cycle == 0) xi.Set(InverseDerivativeLeastSquares(trajectories, dt, features));
            }
            for (int epoch = 0; epoch < o.EpochsPerCycle; epoch++)
            {
                double total = 0;
                var order = randperm(W);
                for (long start = 0; start < W; start += o.BatchSize)
                {
                    using var step = NewDisposeScope();
                    var batch = windows.index_select(0, order.narrow(0, start, Math.Min(o.BatchSize, W - start)));
                    adam.zero_grad();
                    var v = Denoise(batch);
                    var drive = Library.Evaluate(v).matmul(xi.Value() * mask);
                    var u = Solve(frozen, o.Nonlinearity is null ? drive : o.Nonlinearity.ApplyTensor(drive), v.select(1, 0));
                    var loss = (u - batch).square().mean() + (v - batch).square().mean();
                    loss.backward();
                    adam.step();
                    total += loss.item<double>() * batch.size(0);
                }
                lastLoss = total / W;
                progress?.Invoke(new DiscoveryProgress(cycle, epoch, lastLoss, (int)mask.sum().item<long>()));
            }
            using (no_grad()) mask = mask.logical_and(xi.Value().abs().ge(o.Threshold));
            progress?.Invoke(new DiscoveryProgress(cycle, o.EpochsPerCycle, lastLoss, (int)mask.sum().item<long>()));
        }
        using (no_grad())
        {
            // Final exact refit on the last support (the "unbias" step of STLSQ, through the ODE solve).
            var best = o.Nonlinearity is null ? IntegralLeastSquares(frozen, Denoise(windows), windows, mask, threshold: 0) : xi.Value();
            var final = (best * mask).t().contiguous();
            var coefficients = Enumerable.Range(0, n).Select(d => final[d].data<double>().ToArray()).ToArray();
            return new DiscoveredModel("mnn", Library, stateNames, coefficients, outer: o.Nonlinearity, settings: new Dictionary<string, double>(Settings(dt))
            {
                ["denoiserWidth"] = o.DenoiserWidth, ["xiNetworkWidth"] = o.XiNetworkWidth,
            });
        }
    }

    /// <summary>u for rhs (B, L, n) from u(0) = v0 (B, n): one frozen solve, members × dims as batch.</summary>
    private static Tensor Solve(FrozenOde frozen, Tensor rhs, Tensor v0)
    {
        var solution = frozen.Solve(rhs.permute(0, 2, 1).unsqueeze(-1), v0.unsqueeze(-1).unsqueeze(-1).unsqueeze(-1));
        return solution.U.select(-1, 0).squeeze(-1).permute(0, 2, 1);                    // (B, L, n)
    }

    /// <summary>
    /// Exact ξ for a fixed v: u = u₀ + Σ_f ξ_f·S(Θ_f(v)), linear in ξ, so each target is a least-squares fit of
    /// x − u₀ on the feature-driven solutions; repeated with thresholding until the support is stable.
    /// </summary>
    private Tensor IntegralLeastSquares(FrozenOde frozen, Tensor v, Tensor x, Tensor mask, double? threshold = null)
    {
        long W = v.size(0), L = v.size(1), n = v.size(2);
        var theta = Library.Evaluate(v);                                                  // (W, L, F)
        int F = (int)theta.size(-1);
        // Each feature drives one solve from u(0) = 0: features become the dims of one batched solve.
        var driven = Solve(frozen, theta, zeros(W, F, dtype: v.dtype));                   // (W, L, F)
        var u0 = Solve(frozen, zeros_like(x), v.select(1, 0));                            // (W, L, n)
        var phi = driven.reshape(-1, F).data<double>().ToArray();
        var target = (x - u0).reshape(-1, n).data<double>().ToArray();
        long rows = W * L;
        var design = new double[rows][];
        for (long r = 0; r < rows; r++) design[r] = phi.AsSpan((int)(r * F), F).ToArray();
        var xi = zeros(F, n, dtype: ScalarType.Float64);
        double cut = threshold ?? Options.Threshold;
        for (int d = 0; d < n; d++)
        {
            var active = Enumerable.Range(0, F).Where(f => mask[f, d].item<bool>()).ToArray();
            var y = Enumerable.Range(0, (int)rows).Select(r => target[r * n + d]).ToArray();
            double[] w = Array.Empty<double>();
            for (int iteration = 0; iteration < 10 && active.Length > 0; iteration++)
            {
                w = DenseLeastSquares.Solve(design.Select(row => active.Select(f => row[f]).ToArray()).ToArray(), y);
                var keep = active.Where((_, k) => Math.Abs(w[k]) >= cut).ToArray();
                if (keep.Length == active.Length) break;
                active = keep;
            }
            if (active.Length > 0 && w.Length != active.Length)
                w = DenseLeastSquares.Solve(design.Select(row => active.Select(f => row[f]).ToArray()).ToArray(), y);
            for (int k = 0; k < active.Length; k++) xi[active[k], d] = w[k];
        }
        return xi;
    }

    /// <summary>Start for u' = g(Θξ): sparse least squares of g⁻¹(ẋ) (second-order differences) on Θ(x).</summary>
    private Tensor InverseDerivativeLeastSquares(IReadOnlyList<double[][]> trajectories, double dt, int features)
    {
        var inverse = Options.Nonlinearity!.Inverse;
        var dx = trajectories.SelectMany(data => new Sindy.FiniteDifference().Differentiate(data, Enumerable.Range(0, data.Length).Select(i => i * dt).ToArray()));
        var target = dx.Select(r => r.Select(inverse).ToArray()).ToArray();
        var xi = new Sindy.Stlsq(Options.Threshold).Fit(trajectories.SelectMany(d => d).Select(r => Library.Evaluate(r)).ToArray(), target);
        var result = zeros(features, trajectories[0][0].Length, dtype: ScalarType.Float64);
        for (int d = 0; d < xi.Length; d++) for (int f = 0; f < features; f++) result[f, d] = tensor(xi[d][f], dtype: ScalarType.Float64);
        return result;
    }
}

using MechNN.Discovery.Libraries;
using MechNN.Discovery.Sindy;
using MechNN.Ode;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MechNN.Discovery;

/// <summary>
/// Rational right-hand sides u' = p(u)/q(u) (paper §5.1), fitted as what an MNN solves natively: the linear ODE
/// q(v(t))·u' − p(v(t)) = 0, whose u'-coefficient varies in time. p = Θ(u)·ξ and q = 1 + Θ₀(u)·η, with Θ₀ the library
/// without its constant (q's constant is fixed to 1: p/q is unchanged by scaling both). The start is the linearised
/// least squares u' = p − (Θ₀η)·u' on finite differences with thresholding; Adam then fits ξ, η through the solver on
/// windows (gradients reach the time-varying coefficients), and a final thresholding prunes both.
/// </summary>
/// <param name="library">The numerator library Θ (with its constant); the denominator uses it without the constant.</param>
/// <param name="options">Windows and training settings (Cycles × EpochsPerCycle epochs, then one thresholding).</param>
public sealed class RationalDiscovery(PolynomialLibrary library, MechanisticDiscoveryOptions? options = null) : IDiscoveryMethod
{
    /// <summary>The numerator library Θ.</summary>
    public PolynomialLibrary Library { get; } = library.IncludeBias ? library : throw new ArgumentException("The numerator library needs its constant term.");
    /// <summary>The fit's settings.</summary>
    public MechanisticDiscoveryOptions Options { get; } = options ?? new MechanisticDiscoveryOptions();

    /// <inheritdoc/>
    /// <remarks>The times must share one uniform step (the per-window ODE is solved on a fixed grid).</remarks>
    public DiscoveredModel Fit(IReadOnlyList<(double[][] X, double[] T)> trajectories, IReadOnlyList<string>? names = null, Action<DiscoveryProgress>? progress = null) =>
        Fit(trajectories.Select(t => t.X).ToList(), UniformSteps.Of(trajectories), names, progress);

    /// <summary>Fits one trajectory sampled every <paramref name="dt"/>.</summary>
    public DiscoveredModel Fit(double[][] data, double dt, IReadOnlyList<string>? names = null, Action<DiscoveryProgress>? progress = null) =>
        Fit(new[] { data }, dt, names, progress);

    /// <summary>Several trajectories of one system (same state width and step <paramref name="dt"/>): their windows are pooled.</summary>
    /// <param name="trajectories">Each: samples × states.</param>
    /// <param name="dt">The sample spacing.</param>
    /// <param name="names">State names (default x0, x1, …).</param>
    /// <param name="progress">Called after every epoch, and after the final thresholding.</param>
    /// <exception cref="ArgumentException">No trajectories, one shorter than a window, or differing state widths.</exception>
    public DiscoveredModel Fit(IReadOnlyList<double[][]> trajectories, double dt, IReadOnlyList<string>? names = null, Action<DiscoveryProgress>? progress = null)
    {
        if (trajectories.Count == 0) throw new ArgumentException("At least one trajectory is needed.");
        if (!(dt > 0)) throw new ArgumentException($"The time step must be positive (got {dt}).", nameof(dt));
        var o = Options;
        int n = trajectories[0][0].Length, L = o.Window;
        for (int k = 0; k < trajectories.Count; k++)
        {
            if (trajectories[k].Length < L) throw new ArgumentException($"trajectory {k}: {trajectories[k].Length} samples are fewer than one window of {L}.");
            if (trajectories[k][0].Length != n) throw new ArgumentException($"trajectory {k} has {trajectories[k][0].Length} states, trajectory 0 has {n}.");
        }
        var stateNames = names ?? Enumerable.Range(0, n).Select(i => $"x{i}").ToList();
        manual_seed(o.Seed);
        var (xi0, eta0) = LinearisedStart(trajectories, dt);
        using var scope = NewDisposeScope();
        var windows = cat(trajectories.Select(data => tensor(data.SelectMany(r => r).ToArray(), dtype: ScalarType.Float64)
            .reshape(data.Length, n).unfold(0, L, o.Stride).permute(0, 2, 1)).ToArray(), 0).contiguous();   // (W, L, n)
        long W = windows.size(0);
        int F = (int)Library.Evaluate(windows.narrow(0, 0, 1)).size(-1);
        var xi = new Parameter(Matrix(xi0, F, n));
        var eta = new Parameter(Matrix(eta0, F - 1, n));
        var maskP = xi.detach().ne(0);
        var maskQ = eta.detach().ne(0);
        int Active() => (int)(maskP.sum().item<long>() + maskQ.sum().item<long>());
        var spec = new OdeSpec(o.Order) { InitialSteps = 1, InitialOrders = 1, Epsilon = false };
        var h = full(1, dt, dtype: ScalarType.Float64);
        var adam = optim.Adam(new[] { xi, eta }, lr: o.LearningRate);
        double lastLoss = double.NaN;
        for (int epoch = 0; epoch < o.Cycles * o.EpochsPerCycle; epoch++)
        {
            double total = 0;
            var order = randperm(W);
            for (long start = 0; start < W; start += o.BatchSize)
            {
                using var step = NewDisposeScope();
                var batch = windows.index_select(0, order.narrow(0, start, Math.Min(o.BatchSize, W - start)));
                adam.zero_grad();
                var theta = Library.Evaluate(batch);                                         // (B, L, F)
                var p = theta.matmul(xi * maskP);                                              // (B, L, n)
                var q = 1 + theta.narrow(-1, 1, F - 1).matmul(eta * maskQ);
                // Per member and dim: coefficients [0, q, 0…] at every step, rhs p, u(0) = x(0).
                var qq = q.permute(0, 2, 1).unsqueeze(-1).unsqueeze(-1).unsqueeze(-1);          // (B, n, L, 1, 1, 1)
                var coefficients = cat(new[] { zeros_like(qq), qq, zeros_like(qq).expand(-1, -1, -1, -1, -1, o.Order - 1) }, -1);
                var u = OdeSolve.Solve(spec, coefficients, p.permute(0, 2, 1).unsqueeze(-1), batch.select(1, 0).unsqueeze(-1).unsqueeze(-1).unsqueeze(-1), h)
                    .Values.squeeze(-1).permute(0, 2, 1);
                var loss = (u - batch).square().mean();
                loss.backward();
                adam.step();
                total += loss.item<double>() * batch.size(0);
            }
            lastLoss = total / W;
            progress?.Invoke(new DiscoveryProgress(epoch / o.EpochsPerCycle, epoch % o.EpochsPerCycle, lastLoss, Active()));
        }
        using (no_grad())
        {
            maskP = maskP.logical_and(xi.abs().ge(o.Threshold));
            maskQ = maskQ.logical_and(eta.abs().ge(o.Threshold));
            progress?.Invoke(new DiscoveryProgress(Math.Max(o.Cycles - 1, 0), o.EpochsPerCycle, lastLoss, Active()));
            return new DiscoveredModel("mnn-rational", Library, stateNames, Rows((xi * maskP).t(), n), Rows((eta * maskQ).t(), n), settings: new Dictionary<string, double>
            {
                ["threshold"] = o.Threshold, ["window"] = L, ["stride"] = o.Stride, ["order"] = o.Order, ["cycles"] = o.Cycles,
                ["epochsPerCycle"] = o.EpochsPerCycle, ["learningRate"] = o.LearningRate, ["seed"] = o.Seed, ["dt"] = dt,
            });
        }
    }

    /// <summary>Thresholded least squares of u' on [Θ, −Θ₀·u'] (the rational equation multiplied out), rows of every trajectory pooled.</summary>
    private (double[][] Xi, double[][] Eta) LinearisedStart(IReadOnlyList<double[][]> trajectories, double dt)
    {
        var data = trajectories.SelectMany(d => d).ToArray();
        var dx = trajectories.SelectMany(d => new FiniteDifference().Differentiate(d, Enumerable.Range(0, d.Length).Select(i => i * dt).ToArray())).ToArray();
        int n = data[0].Length;
        var xi = new double[n][];
        var eta = new double[n][];
        for (int d = 0; d < n; d++)
        {
            var design = data.Select((row, i) =>
            {
                var theta = Library.Evaluate(row);
                return theta.Concat(theta.Skip(1).Select(v => -v * dx[i][d])).ToArray();
            }).ToArray();
            var w = new Stlsq(Options.Threshold).Fit(design, dx.Select(r => new[] { r[d] }).ToArray())[0];
            int F = w.Length - (w.Length - 1) / 2;
            xi[d] = w.Take(F).ToArray();
            eta[d] = w.Skip(F).ToArray();
        }
        return (xi, eta);
    }

    private static Tensor Matrix(double[][] byTarget, int features, int targets)
    {
        var m = zeros(features, targets, dtype: ScalarType.Float64);
        for (int d = 0; d < targets; d++) for (int f = 0; f < features; f++) m[f, d] = tensor(byTarget[d][f], dtype: ScalarType.Float64);
        return m;
    }

    private static double[][] Rows(Tensor byTarget, int targets) =>
        Enumerable.Range(0, targets).Select(d => byTarget[d].data<double>().ToArray()).ToArray();
}

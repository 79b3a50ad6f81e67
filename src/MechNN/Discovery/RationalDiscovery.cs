using MechNN.Discovery.Libraries;
using MechNN.Discovery.Sindy;
using MechNN.Ode;
using MechNN.Training;
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
public sealed class RationalDiscovery(PolynomialLibrary library, MechanisticDiscoveryOptions? options = null) : WindowedDiscovery(options)
{
    /// <summary>The numerator library Θ.</summary>
    public PolynomialLibrary Library { get; } = library.IncludeBias ? library : throw new ArgumentException("The numerator library needs its constant term.");

    private protected override DiscoveredModel FitChecked(IReadOnlyList<double[][]> trajectories, double dt, IReadOnlyList<string> stateNames, MechanisticDiscoveryOptions o, Action<DiscoveryProgress>? progress)
    {
        int n = trajectories[0][0].Length;
        manual_seed(o.Seed);
        var (xi0, eta0) = LinearisedStart(trajectories, dt);
        using var scope = NewDisposeScope();
        var windows = Windows(trajectories, o);                                             // (W, L, n)
        long W = windows.size(0);
        int F = (int)Library.Evaluate(windows.narrow(0, 0, 1)).size(-1);
        var xi = new Parameter(Matrix(xi0, F, n));
        var eta = new Parameter(Matrix(eta0, F - 1, n));
        var maskP = xi.detach().ne(0);
        var maskQ = eta.detach().ne(0);
        int Active() => (int)(maskP.sum().item<long>() + maskQ.sum().item<long>());
        var spec = new OdeSpec(o.Order) { InitialSteps = 1, InitialOrders = 1, Epsilon = false };
        var h = full(1, dt, dtype: ScalarType.Float64);
        var batches = new Minibatches((int)W, o.BatchSize, o.Seed);
        double lastLoss = double.NaN;
        var reports = new SynchronousProgress<TrainingProgress>(p =>
        {
            lastLoss = p.Loss;
            int epoch = (p.Step - 1) / batches.PerEpoch;
            progress?.Invoke(new DiscoveryProgress(epoch / o.EpochsPerCycle, epoch % o.EpochsPerCycle, p.Loss, Active()));
        });
        new Trainer(new[] { xi, eta }, new TrainingOptions { Steps = o.Cycles * o.EpochsPerCycle * batches.PerEpoch, LearningRate = o.LearningRate, ReportEvery = batches.PerEpoch })
            .Fit(step =>
            {
                var batch = windows.index_select(0, tensor(batches.Indices(step)));
                var theta = Library.Evaluate(batch);                                         // (B, L, F)
                var p = theta.matmul(xi * maskP);                                              // (B, L, n)
                var q = 1 + theta.narrow(-1, 1, F - 1).matmul(eta * maskQ);
                // Per member and dim: coefficients [0, q, 0…] at every step, rhs p, u(0) = x(0).
                var qq = q.permute(0, 2, 1).unsqueeze(-1).unsqueeze(-1).unsqueeze(-1);          // (B, n, L, 1, 1, 1)
                var coefficients = cat(new[] { zeros_like(qq), qq, zeros_like(qq).expand(-1, -1, -1, -1, -1, o.Order - 1) }, -1);
                var u = OdeSolve.Solve(spec, coefficients, p.permute(0, 2, 1).unsqueeze(-1), batch.select(1, 0).unsqueeze(-1).unsqueeze(-1).unsqueeze(-1), h)
                    .Values.squeeze(-1).permute(0, 2, 1);
                return (u - batch).square().mean();
            }, reports);
        using (no_grad())
        {
            maskP = maskP.logical_and(xi.abs().ge(o.Threshold));
            maskQ = maskQ.logical_and(eta.abs().ge(o.Threshold));
            progress?.Invoke(new DiscoveryProgress(Math.Max(o.Cycles - 1, 0), o.EpochsPerCycle, lastLoss, Active()));
            return new DiscoveredModel("mnn-rational", Library, stateNames, Rows((xi * maskP).t(), n), Rows((eta * maskQ).t(), n), settings: Settings(dt, o));
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

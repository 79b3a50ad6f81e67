using MechNN.Discovery.Libraries;
using MechNN.Discovery.Sindy;
using MechNN.Integrators;
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
public sealed class RationalDiscovery(PolynomialLibrary library, MechanisticDiscoveryOptions? options = null)
{
    public PolynomialLibrary Library { get; } = library.IncludeBias ? library : throw new ArgumentException("The numerator library needs its constant term.");
    public MechanisticDiscoveryOptions Options { get; } = options ?? new MechanisticDiscoveryOptions();
    /// <summary>Numerator coefficients ξ[target][feature of Library].</summary>
    public double[][]? Numerator { get; private set; }
    /// <summary>Denominator coefficients η[target][feature of Library without "1"] (q = 1 + Θ₀η).</summary>
    public double[][]? Denominator { get; private set; }

    public RationalDiscovery Fit(double[][] data, double dt)
    {
        var o = Options;
        int n = data[0].Length, N = data.Length, L = o.Window;
        if (N < L) throw new ArgumentException($"{N} samples are fewer than one window of {L}.");
        manual_seed(o.Seed);
        var (xi0, eta0) = LinearisedStart(data, dt);
        using var scope = NewDisposeScope();
        var x = tensor(data.SelectMany(r => r).ToArray(), dtype: ScalarType.Float64).reshape(N, n);
        var windows = x.unfold(0, L, o.Stride).permute(0, 2, 1).contiguous();          // (W, L, n)
        long W = windows.size(0);
        int F = (int)Library.Evaluate(windows.narrow(0, 0, 1)).size(-1);
        var xi = new Parameter(Matrix(xi0, F, n));
        var eta = new Parameter(Matrix(eta0, F - 1, n));
        var maskP = xi.detach().ne(0);
        var maskQ = eta.detach().ne(0);
        var spec = new OdeSpec(o.Order) { InitialSteps = 1, InitialOrders = 1, Epsilon = false };
        var h = full(1, dt, dtype: ScalarType.Float64);
        var adam = optim.Adam(new[] { xi, eta }, lr: o.LearningRate);
        for (int epoch = 0; epoch < o.Cycles * o.EpochsPerCycle; epoch++)
        {
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
            }
        }
        using (no_grad())
        {
            maskP = maskP.logical_and(xi.abs().ge(o.Threshold));
            maskQ = maskQ.logical_and(eta.abs().ge(o.Threshold));
            Numerator = Rows((xi * maskP).t(), n);
            Denominator = Rows((eta * maskQ).t(), n);
        }
        return this;
    }

    /// <summary>Thresholded least squares of u' on [Θ, −Θ₀·u'] (the rational equation multiplied out).</summary>
    private (double[][] Xi, double[][] Eta) LinearisedStart(double[][] data, double dt)
    {
        var t = Enumerable.Range(0, data.Length).Select(i => i * dt).ToArray();
        var dx = new FiniteDifference().Differentiate(data, t);
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

    public double[] Predict(double[] state)
    {
        var theta = Library.Evaluate(state);
        return Enumerable.Range(0, state.Length).Select(d =>
            Numerator![d].Zip(theta, (a, b) => a * b).Sum() / (1 + Denominator![d].Zip(theta.Skip(1), (a, b) => a * b).Sum())).ToArray();
    }

    public IReadOnlyList<string> Equations(IReadOnlyList<string>? names = null, int precision = 3)
    {
        names ??= Enumerable.Range(0, Numerator!.Length).Select(i => $"x{i}").ToList();
        var features = Library.FeatureNames(names);
        return Enumerable.Range(0, names.Count).Select(d =>
            $"({names[d]})' = ({EquationFormatter.Format(Numerator![d], features, precision)}) / (1 + {EquationFormatter.Format(Denominator![d], features.Skip(1).ToList(), precision)})").ToList();
    }
}

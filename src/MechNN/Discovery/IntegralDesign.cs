using MechNN.Discovery.Libraries;
using MechNN.Numerics;
using MechNN.Ode.Solvers.Banded;
using static TorchSharp.torch;

namespace MechNN.Discovery;

/// <summary>
/// The exact regression of MNN discovery for fixed features v: u = u₀ + Σ_f ξ_f·S(Θ_f(v)) is linear in ξ (and in u₀), so
/// each state's ξ is a least-squares fit of the windows x on the feature-driven solutions S(Θ_f(v)) (one batched solve
/// with the features as dims). With a free start, each window's u₀ is fitted too: it is eliminated in closed form by
/// projecting every window's rows off the solver's response to a unit initial value, so no noisy first sample x₀ enters
/// every row of its window; otherwise u₀ = v₀.
/// </summary>
internal sealed class IntegralDesign
{
    private readonly double[][] _rows;
    private readonly double[][] _targets;   // per state
    private readonly int _features;
    private readonly Tensor _driven;        // (W, L, F): S(Θ_f(v)) from u(0) = 0
    private readonly Tensor _x;
    private readonly Tensor _response;      // (1, L, 1): the solve from u(0) = 1 with no drive (free start only)
    private readonly Tensor? _start;        // (W, L, n): the solve from u(0) = v₀ (fixed start only)

    public IntegralDesign(ICandidateLibrary library, FrozenOde frozen, Tensor v, Tensor x, bool freeStart)
    {
        long W = v.size(0), L = v.size(1), n = v.size(2);
        var theta = library.Evaluate(v);                                                 // (W, L, F)
        _features = (int)theta.size(-1);
        _x = x;
        _driven = Solve(frozen, theta, zeros(W, _features, dtype: v.dtype));
        _response = Solve(frozen, zeros(1, L, 1, dtype: v.dtype), ones(1, 1, dtype: v.dtype));
        Tensor columns, target;
        if (freeStart) { columns = OffStart(_driven); target = OffStart(x); }
        else { _start = Solve(frozen, zeros_like(x), v.select(1, 0)); columns = _driven; target = x - _start; }
        var phi = columns.reshape(-1, _features).data<double>().ToArray();
        var flat = target.reshape(-1, n).data<double>().ToArray();
        long rows = phi.Length / _features;
        _rows = new double[rows][];
        for (long r = 0; r < rows; r++) _rows[r] = phi.AsSpan((int)(r * _features), _features).ToArray();
        _targets = Enumerable.Range(0, (int)n).Select(d => Enumerable.Range(0, (int)rows).Select(r => flat[r * n + d]).ToArray()).ToArray();
    }

    /// <summary>u for rhs (B, L, n) from u(0) = v0 (B, n): one frozen solve, members × dims as batch.</summary>
    public static Tensor Solve(FrozenOde frozen, Tensor rhs, Tensor v0)
    {
        var solution = frozen.Solve(rhs.permute(0, 2, 1).unsqueeze(-1), v0.unsqueeze(-1).unsqueeze(-1).unsqueeze(-1));
        return solution.U.select(-1, 0).squeeze(-1).permute(0, 2, 1);                    // (B, L, n)
    }

    /// <summary>The fitted solutions u (W, L, n) through ξ (F, n): the start fitted (or v₀) plus the driven part.</summary>
    public Tensor Trajectory(Tensor xi)
    {
        var driven = _driven.matmul(xi);
        return _start is null ? driven + StartPart(_x - driven) : _start + driven;
    }

    /// <summary>ξ (F, n) on the support of <paramref name="mask"/>, thresholded and refitted until the support is stable.</summary>
    public Tensor Fit(Tensor mask, double threshold)
    {
        var xi = zeros(_features, _targets.Length, dtype: ScalarType.Float64);
        for (int d = 0; d < _targets.Length; d++)
        {
            var active = Enumerable.Range(0, _features).Where(f => mask[f, d].item<bool>()).ToArray();
            double[] w = Array.Empty<double>();
            for (int iteration = 0; iteration < 10 && active.Length > 0; iteration++)
            {
                w = DenseLeastSquares.Solve(Columns(active), _targets[d]);
                var keep = active.Where((_, k) => Math.Abs(w[k]) >= threshold).ToArray();
                if (keep.Length == active.Length) break;
                active = keep;
            }
            if (active.Length > 0 && w.Length != active.Length) w = DenseLeastSquares.Solve(Columns(active), _targets[d]);
            for (int k = 0; k < active.Length; k++) xi[active[k], d] = w[k];
        }
        return xi;
    }

    /// <summary>BIC summed over states: samples·ln(RSS/rows) + non-zero terms·ln(samples). Overlapping windows
    /// repeat each sample, so the distinct samples (not the rows) count the evidence.</summary>
    public double InformationCriterion(Tensor xi, long samples)
    {
        double total = 0;
        for (int d = 0; d < _targets.Length; d++)
        {
            var c = Enumerable.Range(0, _features).Select(f => xi[f, d].item<double>()).ToArray();
            double rss = 0;
            for (int r = 0; r < _rows.Length; r++)
            {
                double e = _targets[d][r];
                for (int f = 0; f < _features; f++) e -= _rows[r][f] * c[f];
                rss += e * e;
            }
            total += samples * Math.Log(Math.Max(rss, double.Epsilon) / _rows.Length) + c.Count(v => v != 0) * Math.Log(samples);
        }
        return total;
    }

    /// <summary>Each window's least-squares multiple of the unit-start response, per column.</summary>
    private Tensor StartPart(Tensor a) => _response * ((_response * a).sum(1, keepdim: true) / _response.square().sum());

    private Tensor OffStart(Tensor a) => a - StartPart(a);

    private double[][] Columns(int[] active) => _rows.Select(row => active.Select(f => row[f]).ToArray()).ToArray();
}

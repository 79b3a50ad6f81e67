using MechNN.Discovery.Libraries;
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
    private readonly Tensor _rows;          // (rows, F): every window sample of every driven column
    private readonly Tensor _targets;       // (rows, n)
    private readonly int _features, _states;
    private readonly Tensor _driven;        // (W, L, F): S(Θ_f(v)) from u(0) = 0
    private readonly Tensor _x;
    private readonly Tensor _response;      // (1, L, 1): the solve from u(0) = 1 with no drive (free start only)
    private readonly Tensor _responseNorm;  // its squared norm, 0-d
    private readonly Tensor? _start;        // (W, L, n): the solve from u(0) = v₀ (fixed start only)

    public IntegralDesign(ICandidateLibrary library, FrozenOde frozen, Tensor v, Tensor x, bool freeStart)
    {
        long W = v.size(0), L = v.size(1), n = v.size(2);
        var theta = library.Evaluate(v);                                                 // (W, L, F)
        _features = (int)theta.size(-1);
        _states = (int)n;
        _x = x;
        _driven = Solve(frozen, theta, zeros(W, _features, dtype: v.dtype));
        _response = Solve(frozen, zeros(1, L, 1, dtype: v.dtype), ones(1, 1, dtype: v.dtype));
        _responseNorm = _response.mul(_response).sum();
        Tensor columns, target;
        if (freeStart) { columns = OffStart(_driven); target = OffStart(x); }
        else { _start = Solve(frozen, zeros_like(x), v.select(1, 0)); columns = _driven; target = x - _start; }
        _rows = columns.reshape(-1, _features).contiguous();
        _targets = target.reshape(-1, n).contiguous();
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
        var allowed = mask.to_type(ScalarType.Int32).data<int>().ToArray();          // (F, n) row-major
        var xi = new double[_features * _states];
        for (int d = 0; d < _states; d++)
        {
            var active = Enumerable.Range(0, _features).Where(f => allowed[f * _states + d] != 0).ToArray();
            double[] w = Array.Empty<double>();
            for (int iteration = 0; iteration < 10 && active.Length > 0; iteration++)
            {
                w = Solve(active, d);
                var keep = active.Where((_, k) => Math.Abs(w[k]) >= threshold).ToArray();
                if (keep.Length == active.Length) break;
                active = keep;
            }
            if (active.Length > 0 && w.Length != active.Length) w = Solve(active, d);
            for (int k = 0; k < active.Length; k++) xi[active[k] * _states + d] = w[k];
        }
        return tensor(xi, dtype: ScalarType.Float64).reshape(_features, _states);
    }

    /// <summary>BIC summed over states: samples·ln(RSS/rows) + non-zero terms·ln(samples). Overlapping windows
    /// repeat each sample, so the distinct samples (not the rows) count the evidence.</summary>
    public double InformationCriterion(Tensor xi, long samples)
    {
        using var scope = NewDisposeScope();
        var rss = (_targets - _rows.matmul(xi)).square().sum(0L).data<double>().ToArray();
        var terms = xi.ne(0).sum(0L).data<long>().ToArray();
        long rows = _rows.size(0);
        return Enumerable.Range(0, _states).Sum(d => samples * Math.Log(Math.Max(rss[d], double.Epsilon) / rows) + terms[d] * Math.Log(samples));
    }

    /// <summary>Each window's least-squares multiple of the unit-start response, per column.</summary>
    /// <remarks>Tensor operands only: a rare crash ("Unknown scalar type" inside pow) was seen under heavy load on a
    /// Scalar-argument op on this path, so the hot path here avoids Scalar arguments.</remarks>
    private Tensor StartPart(Tensor a) => _response * (_response * a).sum(1, keepdim: true).div(_responseNorm);

    private Tensor OffStart(Tensor a) => a - StartPart(a);

    /// <summary>Least squares of state <paramref name="d"/>'s target on the active columns (LAPACK's QR-based solver:
    /// no normal equations, so ill-conditioned columns stay accurate).</summary>
    private double[] Solve(int[] active, int d)
    {
        using var scope = NewDisposeScope();
        var a = _rows.index_select(1, tensor(active.Select(f => (long)f).ToArray()));
        return linalg.lstsq(a, _targets.narrow(1, d, 1)).Solution.reshape(-1).data<double>().ToArray();
    }
}

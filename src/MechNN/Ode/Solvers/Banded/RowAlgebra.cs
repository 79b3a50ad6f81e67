using MechNN.Ode.Rows;
using MechNN.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Ode.Solvers.Banded;

/// <summary>Values of every constraint row, grouped by family (equation, initial, Taylor, central).</summary>
internal sealed record RowValues(Tensor Equation, Tensor? Initial, Tensor Taylor, Tensor? Central)
{
    public static RowValues operator -(RowValues a, RowValues b) => new(a.Equation - b.Equation,
        a.Initial is null ? null : a.Initial - b.Initial!, a.Taylor - b.Taylor, a.Central is null ? null : a.Central - b.Central!);
}

/// <summary>
/// The constraint matrix A of a problem applied row by row, never formed: A·x and Aᵀ·ρ in O(T) with vectorised
/// torch ops, plus the weights W² and the targets β. Used for iterative refinement (residuals computed from rows
/// keep the accuracy that forming AᵀA loses) and for the gradients.
/// Shapes carry the full batch prefix: x (…, T, D, R+1), ε (…); rows: equation (…, T, E), initial (…, S, D, k),
/// Taylor (…, T−1, D, rows per gap), central (…, T−2, D).
/// </summary>
internal sealed class RowAlgebra
{
    private readonly OdeProblem _p;
    private readonly Tensor _c;      // (…, T|1, E|1, D, R1)
    private readonly Tensor _kp, _kq;
    private readonly Tensor _hp;     // (…, T−1, 1, R1)
    private readonly Tensor? _a, _b; // central coefficients (…, T−2, 1)
    private readonly long[] _eqShape;
    public TaylorRows Taylor { get; }
    public Tensor Steps { get; }     // (…, T−1), full batch

    public RowAlgebra(OdeProblem p)
    {
        p.EnsureValuesChecked();
        _p = p;
        var spec = p.Spec;
        int T = p.StepCount;
        Taylor = p.Layout.Taylor;
        _c = p.AlignBatch(p.Coefficients, 4);
        _kp = Taylor.KPTensor(_c.dtype, _c.device);
        _kq = Taylor.KQTensor(_c.dtype, _c.device);
        Steps = p.AlignBatch(p.Steps, 1).expand(p.BatchShape.Append(T - 1).ToArray());
        _hp = Taylor.Powers(Steps).unsqueeze(-2);
        _eqShape = p.BatchShape.Append(T).Append(spec.Equations).ToArray();
        if (HasCentral)
        {
            var (a, b) = CentralRows.Coefficients(CentralRows.Spans(Steps), spec.Order);
            (_a, _b) = (a.unsqueeze(-1), b.unsqueeze(-1));
        }
    }

    public IEnumerable<Tensor> Retained() => new[] { _c, _kp, _kq, _hp, Steps, _a, _b }.OfType<Tensor>();

    public bool HasCentral => _p.Layout.HasCentral;
    private int T => _p.StepCount;
    private int R => _p.Spec.Order;
    private int S => _p.Spec.InitialSteps;
    private int K => _p.Spec.ConstrainedInitialOrders;

    /// <summary>A·[ε; x].</summary>
    public RowValues Apply(Tensor x, Tensor eps)
    {
        var eq = (_c * x.unsqueeze(-3)).sum(new long[] { -2, -1 }).expand(_eqShape);
        var init = S > 0 ? x.narrow(-3, 0, S).narrow(-1, 0, K) : null;
        var e4 = eps.reshape(eps.shape.Concat(new long[] { 1, 1, 1 }).ToArray());
        var taylor = e4 + (x.narrow(-3, 0, T - 1) * _hp).matmul(_kp.mT) + (x.narrow(-3, 1, T - 1) * _hp).matmul(_kq.mT);
        Tensor? central = null;
        if (HasCentral)
            central = e4.squeeze(-1) + _a! * (Pick(x, 2, R - 1) - Pick(x, 0, R - 1)) - _b! * Pick(x, 1, R);
        return new RowValues(eq, init, taylor, central);
    }

    /// <summary>Aᵀ·ρ: (gradient w.r.t. x (…, T, D, R+1), w.r.t. ε (…)).</summary>
    public (Tensor X, Tensor Eps) Transpose(RowValues rho)
    {
        var x = (_c * rho.Equation.unsqueeze(-1).unsqueeze(-1)).sum(-3);          // (…, T, D, R1)
        if (rho.Initial is not null)
            x = x + nn.functional.pad(rho.Initial, new long[] { 0, R + 1 - K, 0, 0, 0, T - S });
        var fromP = rho.Taylor.matmul(_kp) * _hp;                                  // onto step t
        var fromQ = rho.Taylor.matmul(_kq) * _hp;                                  // onto step t+1
        x = x + nn.functional.pad(fromP, new long[] { 0, 0, 0, 0, 0, 1 }) + nn.functional.pad(fromQ, new long[] { 0, 0, 0, 0, 1, 0 });
        var eps = rho.Taylor.sum(new long[] { -3, -2, -1 });
        if (rho.Central is not null)
        {
            x = x.clone();
            x.narrow(-3, 0, T - 2).select(-1, R - 1).sub_(_a! * rho.Central);
            x.narrow(-3, 1, T - 2).select(-1, R).sub_(_b! * rho.Central);
            x.narrow(-3, 2, T - 2).select(-1, R - 1).add_(_a! * rho.Central);
            eps = eps + rho.Central.sum(new long[] { -2, -1 });
        }
        return (x, eps);
    }

    /// <summary>The targets β (zeros on smoothness rows).</summary>
    public RowValues Targets(RowValues like)
    {
        var init = S > 0 ? _p.AlignBatch(_p.InitialValues, 3).expand(like.Initial!.shape) : null;
        return new RowValues(_p.AlignBatch(_p.Rhs, 2).expand(_eqShape), init, zeros_like(like.Taylor), like.Central is null ? null : zeros_like(like.Central));
    }

    /// <summary>Multiplies each family by its squared weight.</summary>
    public RowValues Weighted(RowValues v)
    {
        var w = _p.Spec.Weights;
        return new RowValues(w.Equation * w.Equation * v.Equation, v.Initial is null ? null : w.Initial * w.Initial * v.Initial,
            w.Smoothness * w.Smoothness * v.Taylor, v.Central is null ? null : w.Smoothness * w.Smoothness * v.Central);
    }

    /// <summary>Aᵀ W² (β − A x) + γα e_ε: the right-hand side minus the normal matrix times x, computed from rows.</summary>
    public (Tensor X, Tensor Eps) Residual(Tensor x, Tensor eps)
    {
        var ax = Apply(x, eps);
        var (rx, re) = Transpose(Weighted(Targets(ax) - ax));
        return (rx, _p.Spec.Epsilon ? re + _p.Spec.EpsilonReward : zeros_like(re));
    }

    /// <summary>g − AᵀW²A·v (the residual of the adjoint system M λ = g).</summary>
    public (Tensor X, Tensor Eps) AdjointResidual(Tensor v, Tensor vEps, Tensor g, Tensor gEps)
    {
        var (mx, me) = Transpose(Weighted(Apply(v, vEps)));
        return (g - mx, _p.Spec.Epsilon ? gEps - me : zeros_like(me));
    }

    private Tensor Pick(Tensor v, int from, int order) => v.narrow(-3, from, T - 2).select(-1, order);

    internal Tensor KP => _kp;
    internal Tensor KQ => _kq;
    internal OdeProblem Problem => _p;
}

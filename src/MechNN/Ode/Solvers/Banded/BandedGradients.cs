using MechNN.Ode.Rows;
using MechNN.Tensors;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MechNN.Ode.Solvers.Banded;

/// <summary>
/// Gradients of L(x) through x = argmin ½‖W(Ax − β)‖² − γα·ε, row by row and without forming A.
/// With λ = M⁻¹·∂L/∂x, each row r contributes ∂L/∂β_r = μ_r and ∂L/∂A_rj = ρ_r·λ_j − μ_r·x_j, where
/// ρ = W²(β − A·x) and μ = W²·A·λ. Coefficients are entries of equation rows, rhs and initial values are β entries,
/// and steps enter every smoothness entry through h^j (Taylor) or H = h_{t−1}+h_t (central).
/// </summary>
internal sealed class BandedGradients(RowAlgebra rows, Tensor x, Tensor xEps, Tensor lambda, Tensor lambdaEps)
{
    private RowValues? _rhoValues;
    private readonly RowValues _mu = rows.Weighted(rows.Apply(lambda, lambdaEps));
    private OdeProblem P => rows.Problem;

    // ρ only for coefficient and step gradients (a frozen left-hand side asks for neither).
    private RowValues Rho => _rhoValues ??= rows.Weighted(Residual(rows, x, xEps));

    private static RowValues Residual(RowAlgebra rows, Tensor x, Tensor eps)
    {
        var ax = rows.Apply(x, eps);
        return rows.Targets(ax) - ax;
    }

    public Tensor Coefficients()
    {
        var grad = Rho.Equation.unsqueeze(-1).unsqueeze(-1) * lambda.unsqueeze(-3) - _mu.Equation.unsqueeze(-1).unsqueeze(-1) * x.unsqueeze(-3);
        return Broadcasting.SumToShape(grad, P.Coefficients.shape);
    }

    public Tensor Rhs() => Broadcasting.SumToShape(_mu.Equation, P.Rhs.shape);

    public Tensor InitialValues() =>
        _mu.Initial is null ? zeros_like(P.InitialValues) : Broadcasting.SumToShape(_mu.Initial, P.InitialValues.shape);

    public Tensor Steps()
    {
        int T = P.StepCount, R = P.Spec.Order;
        var dhp = rows.Taylor.PowerDerivatives(rows.Steps).unsqueeze(-2);   // (…, T−1, 1, R1)
        Tensor xa = x.narrow(-3, 0, T - 1), xb = x.narrow(-3, 1, T - 1);
        Tensor la = lambda.narrow(-3, 0, T - 1), lb = lambda.narrow(-3, 1, T - 1);
        Tensor rho = Rho.Taylor, mu = _mu.Taylor;
        var term = rho.matmul(rows.KP) * la - mu.matmul(rows.KP) * xa + rho.matmul(rows.KQ) * lb - mu.matmul(rows.KQ) * xb;
        var dh = (term * dhp).sum(new long[] { -2, -1 });                    // (…, T−1)

        if (rows.HasCentral)
        {
            var span = CentralRows.Spans(rows.Steps);
            var (da, db) = CentralRows.Derivatives(span, R);
            Tensor Pick(Tensor v, int from, int order) => v.narrow(-3, from, T - 2).select(-1, order);
            Tensor dx = Pick(x, 2, R - 1) - Pick(x, 0, R - 1), dl = Pick(lambda, 2, R - 1) - Pick(lambda, 0, R - 1);
            Tensor x0 = Pick(x, 1, R), l0 = Pick(lambda, 1, R);
            Tensor rc = Rho.Central!, mc = _mu.Central!;
            var dSpan = (da.unsqueeze(-1) * (rc * dl - mc * dx) - db.unsqueeze(-1) * (rc * l0 - mc * x0)).sum(-1);
            dh = dh + F.pad(dSpan, new long[] { 0, 1 }) + F.pad(dSpan, new long[] { 1, 0 });
        }
        return Broadcasting.SumToShape(dh, P.Steps.shape);
    }
}

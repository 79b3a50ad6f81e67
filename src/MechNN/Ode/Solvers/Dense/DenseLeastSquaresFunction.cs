using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Ode.Solvers.Dense;

/// <summary>
/// x = argmin ½‖Cx − β‖² − ρ·x₀, i.e. (CᵀC) x = Cᵀβ + ρ e₀, by batched Cholesky of the Jacobi-equilibrated CᵀC.
/// Backward reuses the factor: λ = (CᵀC)⁻¹g, ∂β = Cλ, ∂C = (β − Cx)λᵀ − (Cλ)xᵀ.
/// Arguments: C (B,m,n), β (B,m), reward ρ (double, on x₀), the problem (for the well-posedness check).
/// </summary>
internal sealed class DenseLeastSquaresFunction : autograd.MultiTensorFunction<DenseLeastSquaresFunction>
{
    private const int Refinements = 2;

    public override string Name => "MechNN.DenseLeastSquares";

    public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var C = (Tensor)vars[0];
        var beta = (Tensor)vars[1];
        var reward = (double)vars[2];
        var problem = (OdeProblem)vars[3];
        var batchShape = problem.BatchShape;

        var gram = C.mT.bmm(C);
        var rhs = C.mT.bmm(beta.unsqueeze(-1)).squeeze(-1);
        if (reward != 0) rhs.select(1, 0).add_(reward);
        var diag = gram.diagonal(0, -2, -1);
        var scale = torch.where(diag > 0, diag.rsqrt(), ones_like(diag));
        var (L, info) = linalg.cholesky_ex(scale.unsqueeze(-1) * gram * scale.unsqueeze(-2));
        var pivots = L.diagonal(0, -2, -1).square().min(-1).values;
        Wellposedness.Check(problem, info, pivots);

        // Refinement with the residual computed from C (not from CᵀC) recovers the accuracy the normal equations lose.
        var x = Solve(L, scale, rhs);
        for (int k = 0; k < Refinements; k++)
        {
            var r = C.mT.bmm((beta - C.bmm(x.unsqueeze(-1)).squeeze(-1)).unsqueeze(-1)).squeeze(-1);
            if (reward != 0) r.select(1, 0).add_(reward);
            x = x + Solve(L, scale, r);
        }
        Wellposedness.CheckFinite(x, batchShape);
        ctx.save_for_backward(new List<Tensor> { C, beta, L, scale, x });
        return new List<Tensor> { x };
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> grads) => BackwardScope.Run(grads, () =>
    {
        var saved = ctx.get_saved_variables();
        Tensor C = saved[0], beta = saved[1], L = saved[2], scale = saved[3], x = saved[4];
        var lambda = Solve(L, scale, grads[0]);
        for (int k = 0; k < Refinements; k++)
            lambda = lambda + Solve(L, scale, grads[0] - C.mT.bmm(C.bmm(lambda.unsqueeze(-1))).squeeze(-1));
        var cx = C.bmm(x.unsqueeze(-1)).squeeze(-1);
        var cl = C.bmm(lambda.unsqueeze(-1)).squeeze(-1);
        var gradC = (beta - cx).unsqueeze(-1) * lambda.unsqueeze(-2) - cl.unsqueeze(-1) * x.unsqueeze(-2);
        return new List<Tensor> { gradC, cl, null!, null! };
    });

    private static Tensor Solve(Tensor L, Tensor scale, Tensor rhs) =>
        scale * cholesky_solve((scale * rhs).unsqueeze(-1), L).squeeze(-1);
}

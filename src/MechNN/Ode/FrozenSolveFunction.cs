using MechNN.Ode.Solvers;
using MechNN.Ode.Solvers.Banded;
using MechNN.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Ode;

/// <summary>
/// Autograd node of a <see cref="FrozenOde"/> solve. Arguments: rhs, initial values (tensors), the problem, the frozen
/// factor, refinement steps. Gradients flow to rhs (μ on equation rows) and initial values (μ on initial rows).
/// </summary>
internal sealed class FrozenSolveFunction : autograd.MultiTensorFunction<FrozenSolveFunction>
{
    public override string Name => "MechNN.FrozenSolve";

    public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var problem = (OdeProblem)vars[2];
        var frozen = (FrozenOde)vars[3];
        var refinements = (int)vars[4];
        using var scope = NewDisposeScope();
        var rows = new RowAlgebra(problem);
        var shape = problem.BatchShape.Concat(new long[] { problem.StepCount, problem.Spec.Dims, problem.Spec.Order + 1 }).ToArray();
        var zeroX = zeros(shape, dtype: problem.Coefficients.dtype, device: problem.Coefficients.device);
        var zeroEps = zeros(problem.BatchShape, dtype: zeroX.dtype, device: zeroX.device);
        // AᵀW²β + γα e_ε is the residual at zero.
        var (x, eps) = RefinedSolve(problem, frozen, (v, ve) => rows.Residual(v, ve), zeroX, zeroEps, refinements);
        Solvers.Wellposedness.CheckFinite(x.reshape(problem.BatchSize, -1), problem.BatchShape);
        foreach (var kept in rows.Retained().Append(x).Append(eps)) kept.MoveToOuterDisposeScope();
        ctx.save_data("problem", problem);
        ctx.save_data("frozen", frozen);
        ctx.save_data("rows", rows);
        ctx.save_data("refinements", refinements);
        ctx.save_for_backward(new List<Tensor> { x, eps });
        return new List<Tensor> { x, eps };
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> grads)
    {
        var problem = (OdeProblem)ctx.get_data("problem");
        var frozen = (FrozenOde)ctx.get_data("frozen");
        var rows = (RowAlgebra)ctx.get_data("rows");
        var refinements = (int)ctx.get_data("refinements");
        var saved = ctx.get_saved_variables();
        Tensor x = saved[0], xEps = saved[1];
        using var scope = NewDisposeScope();
        var (gU, gEps) = OutputGradients.Read(grads, x, xEps);
        var (lambda, lambdaEps) = RefinedSolve(problem, frozen, (v, ve) => rows.AdjointResidual(v, ve, gU, gEps),
            zeros_like(x), zeros_like(xEps), refinements);
        var mu = rows.Weighted(rows.Apply(lambda, lambdaEps));
        var rhsGrad = Broadcasting.SumToShape(mu.Equation, problem.Rhs.shape).MoveToOuterDisposeScope();
        var ivGrad = mu.Initial is null ? zeros_like(problem.InitialValues) : Broadcasting.SumToShape(mu.Initial, problem.InitialValues.shape);
        ivGrad.MoveToOuterDisposeScope();
        return new List<Tensor> { rhsGrad, ivGrad, null!, null!, null! };
    }

    /// <summary>Starting from x₀, refinement steps x += M⁻¹·residual(x) (1 + refinements solves).</summary>
    private static (Tensor X, Tensor Eps) RefinedSolve(OdeProblem p, FrozenOde frozen, Func<Tensor, Tensor, (Tensor, Tensor)> residual,
        Tensor x, Tensor eps, int refinements)
    {
        for (int k = 0; k <= refinements; k++)
        {
            var (rx, re) = residual(x, eps);
            var (du, de) = frozen.SolveBatch(p, rx.reshape(p.BatchSize, p.StepCount, -1), re.reshape(-1));
            x = x + du.reshape(x.shape);
            eps = eps + de.reshape(eps.shape);
        }
        return (x, eps);
    }
}

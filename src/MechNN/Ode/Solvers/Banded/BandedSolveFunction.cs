using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Ode.Solvers.Banded;

/// <summary>
/// Autograd node of the banded solve. Arguments: coefficients, rhs, initial values, steps (tensors), the
/// <see cref="OdeProblem"/>, the number of refinement steps and whether to factorise in parallel in time (cyclic reduction). Outputs: U (…, T, D, R+1), ε (…).
/// Backward reuses the stored factorisation for one more (refined) solve, λ = M⁻¹g, then forms the input gradients
/// row-wise. Refinement: x += M⁻¹·(residual computed from the rows), which recovers the accuracy that the normal
/// equations lose (their condition number is the square of the rows').
/// </summary>
internal sealed class BandedSolveFunction : autograd.MultiTensorFunction<BandedSolveFunction>
{
    public override string Name => "MechNN.BandedSolve";

    public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var problem = (OdeProblem)vars[4];
        var refinements = (int)vars[5];
        // Temporaries die with this scope; only the factorisation, the row data and the outputs leave it.
        using var scope = NewDisposeScope();
        var parallelInTime = (bool)vars[6];
        var batch = problem.BatchShape;
        var system = BandedAssembler.Assemble(problem);
        var factor = new BorderedFactor(system, problem, parallelInTime);
        var rows = new RowAlgebra(problem);
        var rhsEps = full(problem.BatchSize, system.RhsEps, dtype: system.Rhs.dtype, device: system.Rhs.device);
        var (u, eps) = RefinedSolve(problem, factor, system.Rhs, rhsEps, refinements, rows.Residual);
        Wellposedness.CheckFinite(u.reshape(problem.BatchSize, -1), batch);

        ctx.save_data("problem", problem);
        ctx.save_data("factor", factor);
        ctx.save_data("rows", rows);
        ctx.save_data("refinements", refinements);
        ctx.save_data("needs", Enumerable.Range(0, 4).Select(i => ((Tensor)vars[i]).requires_grad).ToArray());
        foreach (var kept in factor.Retained().Concat(rows.Retained()).Append(u).Append(eps)) kept.MoveToOuterDisposeScope();
        ctx.save_for_backward(new List<Tensor> { u, eps });
        return new List<Tensor> { u, eps };
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> grads)
    {
        var problem = (OdeProblem)ctx.get_data("problem");
        var factor = (BorderedFactor)ctx.get_data("factor");
        var rows = (RowAlgebra)ctx.get_data("rows");
        var refinements = (int)ctx.get_data("refinements");
        var needs = (bool[])ctx.get_data("needs");
        var saved = ctx.get_saved_variables();
        Tensor x = saved[0], xEps = saved[1];
        using var scope = NewDisposeScope();
        var (gU, gEps) = OutputGradients.Read(grads, x, xEps);

        var (lambda, lambdaEps) = RefinedSolve(problem, factor, gU.reshape(problem.BatchSize, problem.StepCount, -1), gEps.reshape(-1),
            refinements, (v, ve) => rows.AdjointResidual(v, ve, gU, gEps));
        var grad = new BandedGradients(rows, x, xEps, lambda, lambdaEps);
        Tensor? Out(bool need, Func<Tensor> make) => need ? make().MoveToOuterDisposeScope() : null;
        return new List<Tensor>
        {
            Out(needs[0], grad.Coefficients)!, Out(needs[1], grad.Rhs)!,
            Out(needs[2], grad.InitialValues)!, Out(needs[3], grad.Steps)!, null!, null!, null!,
        };
    }

    /// <summary>Solves, then refines with residuals from <paramref name="residual"/>; returns full-batch shapes.</summary>
    private static (Tensor X, Tensor Eps) RefinedSolve(OdeProblem p, BorderedFactor factor, Tensor rhsU, Tensor rhsEps, int refinements,
        Func<Tensor, Tensor, (Tensor, Tensor)> residual)
    {
        var shape = p.BatchShape.Concat(new long[] { p.StepCount, p.Spec.Dims, p.Spec.Order + 1 }).ToArray();
        var (u, e) = factor.Solve(rhsU, rhsEps);
        var x = u.reshape(shape);
        var eps = (e ?? zeros(p.BatchSize, dtype: u.dtype, device: u.device)).reshape(p.BatchShape);
        for (int k = 0; k < refinements; k++)
        {
            var (rx, re) = residual(x, eps);
            var (du, de) = factor.Solve(rx.reshape(p.BatchSize, p.StepCount, -1), re.reshape(-1));
            x = x + du.reshape(shape);
            if (de is not null) eps = eps + de.reshape(p.BatchShape);
        }
        return (x, eps);
    }
}

using MechNN.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Ode.Solvers.Fused;

/// <summary>
/// Autograd node of the fused solves (arguments as <see cref="Banded.BandedSolveFunction"/>: the four tensors, the
/// problem, the number of refinement steps, then whether to run the CUDA kernels instead of the CPU one). Computes in
/// float64; outputs and gradients come back in the input dtype.
/// </summary>
internal sealed class FusedSolveFunction : autograd.MultiTensorFunction<FusedSolveFunction>
{
    public override string Name => "MechNN.FusedSolve";

    public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var problem = (OdeProblem)vars[4];
        var refinements = (int)vars[5];
        IFusedSystem system = (bool)vars[6] ? new Cuda.CudaSystem(problem, refinements) : new FusedSystem(problem, refinements);
        var (x, eps) = system.Solution();
        if (system.MayBeIllPosed)
        {
            Wellposedness.Check(problem, system.Info, system.MinPivot, system.Unpinned);
            if (problem.Spec.Epsilon) Wellposedness.CheckSchur(system.RelativeSchur, problem.BatchShape);
            Wellposedness.CheckFinite(x, problem.BatchShape);
        }

        var dtype = problem.Coefficients.dtype;
        var shape = problem.BatchShape.Concat(new long[] { problem.StepCount, problem.Spec.Dims, problem.Spec.Order + 1 }).ToArray();
        ctx.save_data("problem", problem);
        ctx.save_data("system", system);
        ctx.save_data("needs", Enumerable.Range(0, 4).Select(i => ((Tensor)vars[i]).requires_grad).ToArray());
        ctx.save_for_backward(new List<Tensor> { x, eps });
        return new List<Tensor> { x.reshape(shape).to_type(dtype), eps.reshape(problem.BatchShape).to_type(dtype) };
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> grads)
    {
        var problem = (OdeProblem)ctx.get_data("problem");
        var system = (IFusedSystem)ctx.get_data("system");
        var needs = (bool[])ctx.get_data("needs");
        var saved = ctx.get_saved_variables();
        Tensor x = saved[0], xEps = saved[1];
        var (gU, gEps) = OutputGradients.Read(grads, x, xEps);

        var (gc, gb, giv, gh) = system.Backward(gU, gEps);
        var bs = problem.BatchShape;
        var spec = problem.Spec;
        Tensor Back(Tensor g, Tensor input, params long[] trailing) =>
            Broadcasting.SumToShape(g.reshape(bs.Concat(trailing).ToArray()), input.shape).to_type(input.dtype);
        return new List<Tensor>
        {
            needs[0] ? Back(gc, problem.Coefficients, problem.StepCount, spec.Equations, spec.Dims, spec.Order + 1) : null!,
            needs[1] ? Back(gb, problem.Rhs, problem.StepCount, spec.Equations) : null!,
            needs[2] ? (spec.InitialSteps == 0 ? zeros_like(problem.InitialValues)
                : Back(giv, problem.InitialValues, spec.InitialSteps, spec.Dims, spec.ConstrainedInitialOrders)) : null!,
            needs[3] ? Back(gh, problem.Steps, problem.StepCount - 1) : null!,
            null!, null!, null!,
        };
    }
}

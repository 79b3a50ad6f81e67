using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Ode.Solvers.Dense;

/// <summary>
/// The oracle: assembles the full MNN constraint matrix with the ε column and solves (CᵀC) x = Cᵀβ + γα e₀ by
/// dense batched Cholesky. O((T·D·(R+1))³) per system — use it to test fast solvers, not to train.
/// </summary>
public sealed class DenseSolver : IOdeSolver
{
    public OdeSolution Solve(OdeProblem problem)
    {
        var spec = problem.Spec;
        var (C, beta) = DenseAssembler.Assemble(problem);
        var x = DenseLeastSquaresFunction.apply(C, beta, spec.EpsilonReward, problem)[0];
        int offset = problem.Layout.Offset;
        var batch = problem.BatchShape;
        var u = x.narrow(1, offset, x.size(1) - offset).reshape(problem.SolutionShape);
        var eps = spec.Epsilon ? x.select(1, 0).reshape(batch) : zeros(batch, dtype: x.dtype, device: x.device);
        return new OdeSolution(u, eps);
    }
}

namespace MechNN.Ode.Solvers.Banded;

/// <summary>
/// The product solver: the normal matrix is assembled directly in block-banded form (block-tridiagonal, or
/// block-pentadiagonal with central rows) and factorised by blocked Cholesky; ε is eliminated by a Schur complement.
/// O(T) time and memory per system; reproduces <see cref="Dense.DenseSolver"/> to rounding.
/// </summary>
public sealed class BandedSolver : IOdeSolver
{
    /// <summary>Iterative-refinement steps after the first solve (each costs one substitution; 0 disables).</summary>
    public int Refinements { get; init; } = 1;

    public BandedBackend Backend { get; init; } = BandedBackend.Auto;

    public OdeSolution Solve(OdeProblem problem)
    {
        var backend = Backend == BandedBackend.Auto
            ? (problem.Coefficients.device_type == TorchSharp.DeviceType.CPU ? BandedBackend.FusedCpu : BandedBackend.CyclicReduction)
            : Backend;
        if (backend == BandedBackend.FusedCpu && problem.Coefficients.device_type != TorchSharp.DeviceType.CPU)
            throw new ArgumentException($"The fused CPU backend needs CPU tensors (got {problem.Coefficients.device}).");
        var outputs = backend == BandedBackend.FusedCpu
            ? Fused.FusedSolveFunction.apply(problem.Coefficients, problem.Rhs, problem.InitialValues, problem.Steps, problem, Refinements)
            : BandedSolveFunction.apply(problem.Coefficients, problem.Rhs, problem.InitialValues, problem.Steps, problem, Refinements, backend == BandedBackend.CyclicReduction);
        return new OdeSolution(outputs[0], outputs[1]);
    }
}

using TorchSharp;

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

    /// <summary>True when the CUDA driver loaded, so <see cref="BandedBackend.FusedCuda"/> can run on CUDA tensors.</summary>
    public static bool FusedCudaAvailable => Cuda.CudaDriver.Available;

    public OdeSolution Solve(OdeProblem problem)
    {
        var backend = Choose(problem);
        var outputs = backend is BandedBackend.FusedCpu or BandedBackend.FusedCuda
            ? Fused.FusedSolveFunction.apply(problem.Coefficients, problem.Rhs, problem.InitialValues, problem.Steps, problem, Refinements,
                backend == BandedBackend.FusedCuda)
            : BandedSolveFunction.apply(problem.Coefficients, problem.Rhs, problem.InitialValues, problem.Steps, problem, Refinements, backend == BandedBackend.CyclicReduction);
        return new OdeSolution(outputs[0], outputs[1]);
    }

    /// <summary>The backend that <see cref="Solve"/> uses for this problem.</summary>
    public BandedBackend Choose(OdeProblem problem)
    {
        var device = problem.Coefficients.device_type;
        if (Backend == BandedBackend.Auto)
            return device == DeviceType.CPU ? BandedBackend.FusedCpu
                : device == DeviceType.CUDA && Cuda.CudaKernels.Supports(new Fused.FusedLayout(problem.Spec, problem.StepCount)) ? BandedBackend.FusedCuda
                : BandedBackend.CyclicReduction;
        if (Backend == BandedBackend.FusedCpu && device != DeviceType.CPU)
            throw new ArgumentException($"The fused CPU backend needs CPU tensors (got {problem.Coefficients.device}).");
        if (Backend == BandedBackend.FusedCuda)
        {
            if (Cuda.CudaKernels.Emulator is not null) return Backend;   // tests: the kernels emulated on CPU tensors
            if (device != DeviceType.CUDA)
                throw new ArgumentException($"The fused CUDA backend needs CUDA tensors (got {problem.Coefficients.device}).");
            if (!Cuda.CudaLayout.Fits(new Fused.FusedLayout(problem.Spec, problem.StepCount)))
                throw new ArgumentException($"The fused CUDA backend supports R ≤ {Cuda.CudaLayout.MaxR1 - 1} and D·(R+1) ≤ {Cuda.CudaLayout.MaxN} (got R = {problem.Spec.Order}, D = {problem.Spec.Dims}); use CyclicReduction.");
            if (!Cuda.CudaDriver.Available) throw new ArgumentException("The fused CUDA backend needs the CUDA driver (libcuda), which did not load.");
        }
        return Backend;
    }
}

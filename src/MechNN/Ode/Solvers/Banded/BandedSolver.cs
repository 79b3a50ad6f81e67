using MechNN.Ode.Solvers.Cuda;
using MechNN.Ode.Solvers.Fused;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Ode.Solvers.Banded;

/// <summary>
/// The product solver: the normal matrix is assembled directly in block-banded form (block-tridiagonal, or
/// block-pentadiagonal with central rows) and factorised by blocked Cholesky; ε is eliminated by a Schur complement.
/// O(T) time and memory per system; reproduces <see cref="Dense.DenseSolver"/> to rounding. Every backend runs
/// through one autograd node (<see cref="BandedSolveFunction"/>); <see cref="Choose(OdeProblem)"/> picks it for the device.
/// </summary>
public sealed class BandedSolver : IOdeSolver
{
    /// <summary>How one backend factorises: a whole problem, and (torch-ops backends only) the banded matrix alone,
    /// which is what a <see cref="FrozenOde"/> keeps.</summary>
    private sealed record Factories(Func<OdeProblem, int, IFactorisedSystem> Problem, BandedFactorisation? Matrix = null);

    private static Factories TorchOps(BandedFactorisation matrix) => new((p, k) => TorchSystem.Factorise(p, k, matrix), matrix);

    private static readonly IReadOnlyDictionary<BandedBackend, Factories> Backends = new Dictionary<BandedBackend, Factories>
    {
        [BandedBackend.TorchSequential] = TorchOps((d, s1, s2) => new BlockCholesky(d, s1, s2)),
        [BandedBackend.CyclicReduction] = TorchOps((d, s1, s2) => new CyclicReduction(d, s1, s2)),
        [BandedBackend.FusedCpu] = new((p, k) => new FusedSystem(p, k)),
        [BandedBackend.FusedCuda] = new((p, k) => new CudaSystem(p, k)),
    };

    /// <summary>Iterative-refinement steps after the first solve (each costs one substitution; 0 disables).</summary>
    public int Refinements { get; init; } = 1;

    /// <summary>The backend; <see cref="BandedBackend.Auto"/> lets <see cref="Choose(OdeProblem)"/> decide by device and shape.</summary>
    public BandedBackend Backend { get; init; } = BandedBackend.Auto;

    /// <summary>True when the CUDA driver loaded, so <see cref="BandedBackend.FusedCuda"/> can run on CUDA tensors.</summary>
    public static bool FusedCudaAvailable => CudaDriver.Available;

    /// <summary>Solves a validated batch, differentiably with respect to all four inputs.</summary>
    /// <param name="problem">The problem (see <see cref="OdeProblem.Create(OdeSpec, Tensor, Tensor, Tensor?, Tensor, int?)"/>).</param>
    /// <returns>U (…, T, D, R+1) and ε (…).</returns>
    /// <exception cref="ArgumentException">The backend cannot run on the problem's device or shape.</exception>
    /// <exception cref="IllPosedSystemException">Some members are ill-posed; it lists them.</exception>
    public OdeSolution Solve(OdeProblem problem)
    {
        var factories = Backends[Choose(problem)];
        int refinements = Refinements;
        Func<OdeProblem, IFactorisedSystem> factorise = p => factories.Problem(p, refinements);
        var outputs = BandedSolveFunction.apply(problem.Coefficients, problem.Rhs, problem.InitialValues, problem.Steps, problem, factorise);
        return new OdeSolution(outputs[0], outputs[1]);
    }

    /// <summary>
    /// Factorises a left-hand side once, for many solves with new right-hand sides and initial values (see
    /// <see cref="FrozenOde"/>), with a torch-ops backend: <see cref="BandedBackend.Auto"/> takes the sequential one
    /// on the CPU and cyclic reduction elsewhere — and, with <see cref="BandedBackend.Auto"/>, the solves themselves run
    /// in the fused kernel where it applies (faster than substitutions with the stored factor; see <see cref="FrozenOde"/>).
    /// </summary>
    /// <param name="spec">The spec of every later solve.</param>
    /// <param name="coefficients">(…, T|1, E, D, R+1), not requiring gradients.</param>
    /// <param name="steps">(…, T−1|1), positive, not requiring gradients.</param>
    /// <param name="stepCount">T; inferred from the inputs when omitted.</param>
    /// <returns>The factorised left-hand side; dispose it to free its factor.</returns>
    /// <exception cref="ArgumentException">Coefficients or steps require gradients, or the backend is a fused one.</exception>
    /// <exception cref="OdeInputException">The inputs do not fit the spec.</exception>
    /// <exception cref="IllPosedSystemException">Some member's normal matrix is singular.</exception>
    public FrozenOde Factorise(OdeSpec spec, Tensor coefficients, Tensor steps, int? stepCount = null) =>
        FrozenOde.Create(spec, coefficients, steps, stepCount, template => Backends[Choose(template, frozen: true)].Matrix!,
            template => Backend == BandedBackend.Auto && Choose(template) is var fast && fast is BandedBackend.FusedCpu or BandedBackend.FusedCuda
                ? Backends[fast].Problem : null);

    /// <summary>The backend that <see cref="Solve"/> uses for this problem.</summary>
    /// <param name="problem">The problem to solve.</param>
    /// <returns>A concrete backend (never <see cref="BandedBackend.Auto"/>).</returns>
    /// <exception cref="ArgumentException">The configured backend cannot run on the problem's device or shape.</exception>
    public BandedBackend Choose(OdeProblem problem) => Choose(problem, frozen: false);

    /// <summary>The only place that knows devices. A frozen left-hand side needs a torch-ops backend.</summary>
    private BandedBackend Choose(OdeProblem problem, bool frozen)
    {
        var device = problem.Coefficients.device_type;
        if (frozen)
        {
            var backend = Backend == BandedBackend.Auto ? device == DeviceType.CPU ? BandedBackend.TorchSequential : BandedBackend.CyclicReduction : Backend;
            return Backends[backend].Matrix is not null ? backend
                : throw new ArgumentException($"A frozen left-hand side needs a torch-ops backend (TorchSequential or CyclicReduction), not {backend}.");
        }
        if (Backend == BandedBackend.Auto)
            return device == DeviceType.CPU ? BandedBackend.FusedCpu
                : device == DeviceType.CUDA && CudaKernels.Supports(problem.Layout) ? BandedBackend.FusedCuda
                : BandedBackend.CyclicReduction;
        if (Backend == BandedBackend.FusedCpu && device != DeviceType.CPU)
            throw new ArgumentException($"The fused CPU backend needs CPU tensors (got {problem.Coefficients.device}).");
        if (Backend == BandedBackend.FusedCuda)
        {
            if (CudaKernels.Emulator is not null) return Backend;   // tests: the kernels emulated on CPU tensors
            if (device != DeviceType.CUDA)
                throw new ArgumentException($"The fused CUDA backend needs CUDA tensors (got {problem.Coefficients.device}).");
            if (!CudaLayout.Fits(problem.Layout))
                throw new ArgumentException($"The fused CUDA backend supports R ≤ {CudaLayout.MaxR1 - 1} and D·(R+1) ≤ {CudaLayout.MaxN} (got R = {problem.Spec.Order}, D = {problem.Spec.Dims}); use CyclicReduction.");
            if (!CudaDriver.Available) throw new ArgumentException("The fused CUDA backend needs the CUDA driver (libcuda), which did not load.");
        }
        return Backend;
    }
}

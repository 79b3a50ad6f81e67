using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Ode.Solvers.Banded;

/// <summary>
/// A factorised left-hand side (made by <see cref="BandedSolver.Factorise"/>): coefficients and steps fixed once, then
/// any number of solves with new right-hand sides and initial values, each only substitutions (e.g. equation
/// discovery, where u' = Θ(v)ξ has the fixed coefficients [0, 1, 0] and only the rhs changes). Differentiable with
/// respect to rhs and initial values only.
/// <para>It can never return stale results: it keeps its own copies of the coefficients and steps (later changes to
/// the caller's tensors do not reach it), and it refuses coefficients or steps that require gradients, which it
/// could not deliver. Not a cache: nothing is shared between instances, and disposing one frees its factor.</para>
/// When coefficients and steps have no batch axes (or only size-1 ones), one factorisation serves every batch member
/// of every solve: the members become columns of one multi-right-hand-side substitution.
/// <para>Where a fused kernel runs the problem (the CPU kernel, or the CUDA kernels for shapes they support) and the
/// backend was left to <see cref="BandedBackend.Auto"/>, <see cref="Solve"/> uses it instead: refactorising inside the
/// fused kernel is cheaper than the torch-ops substitutions with the stored factor (whole Lorenz discovery training
/// steps, `mechnn bench train lorenz`: on the H200 7.3 ms vs 21.0 ms, the substitutions being ~200 small kernel launches).
/// The result is the same system's solution to rounding; the stored factor serves the torch-ops backends.</para>
/// </summary>
public sealed class FrozenOde : IDisposable
{
    // Every tensor made while factorising (copies, factor, template): owned by this object alone, in no dispose scope.
    private readonly IDisposable[] _owned;
    private readonly BorderedFactor _factor;
    private readonly long[] _lhsBatch;
    /// <summary>The spec the left-hand side was factorised for.</summary>
    public OdeSpec Spec { get; }
    /// <summary>Number of steps T of every solve.</summary>
    public int StepCount { get; }
    /// <summary>The frozen coefficients (a private copy, aligned to their own batch shape).</summary>
    public Tensor Coefficients { get; }
    /// <summary>The frozen steps (a private copy).</summary>
    public Tensor Steps { get; }
    /// <summary>True when one factorisation is shared by all batch members.</summary>
    public bool Shared => _lhsBatch.All(d => d == 1);

    private readonly Func<OdeProblem, int, IFactorisedSystem>? _fused;

    private FrozenOde(OdeSpec spec, int steps, Tensor coefficients, Tensor h, BorderedFactor factor, long[] lhsBatch, IDisposable[] owned,
        Func<OdeProblem, int, IFactorisedSystem>? fused)
    {
        Spec = spec; StepCount = steps; Coefficients = coefficients; Steps = h; _factor = factor; _lhsBatch = lhsBatch; _owned = owned; _fused = fused;
    }

    /// <summary>Factorises the normal matrix for these coefficients (…, T|1, E, D, R+1) and steps (…, T−1|1) with the
    /// banded factorisation that <paramref name="choose"/> picks for the (template) problem.</summary>
    internal static FrozenOde Create(OdeSpec spec, Tensor coefficients, Tensor steps, int? stepCount, Func<OdeProblem, BandedFactorisation> choose,
        Func<OdeProblem, Func<OdeProblem, int, IFactorisedSystem>?>? fused = null)
    {
        if (coefficients.requires_grad || steps.requires_grad)
            throw new ArgumentException("FrozenOde treats coefficients and steps as constants and cannot return their gradients; pass detached tensors (or use OdeSolve for a fully differentiable solve).");
        // A scope of its own that is closed before returning: a scope left open would stay the thread's current one,
        // and the caller's later tensors would die with this object.
        using var scope = NewDisposeScope();
        var c = coefficients.detach().clone();
        var h = steps.detach().clone();
        // A template problem with zero rhs/initial values carries the shapes; only its left-hand side is used.
        int T = stepCount ?? (c.size(-4) != 1 ? (int)c.size(-4) : h.size(-1) != 1 ? (int)h.size(-1) + 1
            : throw new OdeInputException("Cannot infer the number of steps T from broadcast coefficients and steps; pass stepCount."));
        var zeroRhs = zeros(new long[] { 1, spec.Equations }, dtype: c.dtype, device: c.device);
        var zeroIv = spec.InitialSteps > 0 ? zeros(new long[] { 1, spec.Dims, spec.ConstrainedInitialOrders }, dtype: c.dtype, device: c.device) : null;
        var template = OdeProblem.Create(spec, c, zeroRhs, zeroIv, h, T);
        var factorisation = choose(template);
        var factor = new BorderedFactor(BandedAssembler.Assemble(template), template, factorisation);
        var kernel = fused?.Invoke(template);
        var owned = scope.DisposablesView.ToArray();
        scope.Detach(owned);
        return new FrozenOde(spec, T, c, h, factor, template.BatchShape, owned, kernel);
    }

    /// <summary>Solves with a new rhs (…, T|1, E|1) and initial values (…, S|1, D, k) (null when S = 0).</summary>
    /// <param name="rhs">Right-hand sides; they and the initial values may require gradients.</param>
    /// <param name="initialValues">Initial values, or null when the spec has no initial steps.</param>
    /// <param name="refinements">Iterative-refinement steps after the first solve.</param>
    /// <returns>The solution, differentiable with respect to rhs and initial values.</returns>
    /// <exception cref="OdeInputException">The inputs do not fit the spec, or broadcast to another batch than the frozen one.</exception>
    /// <exception cref="IllPosedSystemException">Some member's solution is not finite.</exception>
    public OdeSolution Solve(Tensor rhs, Tensor? initialValues, int refinements = 1)
    {
        var problem = OdeProblem.Create(Spec, Coefficients, rhs, initialValues, Steps, StepCount);
        if (!Shared && !problem.BatchShape.SequenceEqual(_lhsBatch))
            throw new OdeInputException($"rhs/initial values broadcast the batch to {OdeProblem.Fmt(problem.BatchShape)}, but the frozen left-hand side has batch {OdeProblem.Fmt(_lhsBatch)}.");
        Func<OdeProblem, IFactorisedSystem> factorise = _fused is { } kernel ? p => kernel(p, refinements) : p => TorchSystem.WithFactor(p, _factor, refinements);
        var outputs = BandedSolveFunction.apply(problem.Coefficients, problem.Rhs, problem.InitialValues, problem.Steps, problem, factorise);
        return new OdeSolution(outputs[0], outputs[1]);
    }

    /// <summary>Frees the factor and the frozen copies.</summary>
    public void Dispose()
    {
        foreach (var item in _owned) item.Dispose();
    }
}

using MechNN.Tensors;
using static TorchSharp.torch;

namespace MechNN.Ode.Solvers.Fused;

/// <summary>
/// What the fused kernels (CPU: <see cref="FusedSystem"/>; GPU: the CUDA system built on the same layout) share
/// around their kernels: both compute in float64 on flat per-member arrays and report the same per-member status;
/// this base turns that into the problem's shapes and dtypes and runs the well-posedness verdict. Called once per
/// solve and per backward, never inside the kernels.
/// </summary>
internal abstract class FusedKernelSystem(OdeProblem problem) : IFactorisedSystem
{
    protected OdeProblem Problem { get; } = problem;

    /// <summary>(B) 0 when the factorisation succeeded, otherwise the first failing step + 1.</summary>
    public abstract Tensor Info { get; }
    /// <summary>(B) smallest squared pivot of the equilibrated matrix.</summary>
    public abstract Tensor MinPivot { get; }
    /// <summary>(B) true where some polynomial of degree ≤ R is not pinned by equation and initial rows.</summary>
    public abstract Tensor Unpinned { get; }
    /// <summary>(B) Schur complement of the ε border relative to its corner (1 without ε).</summary>
    public abstract Tensor RelativeSchur { get; }
    /// <summary>False only when the kernel already established that every member is well-posed and finite (so the
    /// detailed checks, each a device round trip, can be skipped); true means "run <see cref="Wellposedness"/>".</summary>
    public abstract bool MayBeIllPosed { get; }
    /// <summary>The solution of every member in float64: x (B, T·n) and ε (B).</summary>
    public abstract (Tensor X, Tensor Eps) Solution();
    /// <summary>λ = M⁻¹g (refined) for g (B, T·n), gε (B), then the gradients c (B, T·E·n), b (B, T·E), iv (B, S·D·K), h (B, T−1).</summary>
    protected abstract (Tensor C, Tensor B, Tensor Iv, Tensor H) KernelBackward(Tensor g, Tensor gEps);

    /// <exception cref="IllPosedSystemException">Some member is ill-posed or its solution not finite.</exception>
    public (Tensor U, Tensor Eps) Solve()
    {
        var p = Problem;
        var (x, eps) = Solution();
        if (MayBeIllPosed)
        {
            Wellposedness.Check(p, Info, MinPivot, Unpinned);
            if (p.Spec.Epsilon) Wellposedness.CheckSchur(RelativeSchur, p.BatchShape);
            Wellposedness.CheckFinite(x, p.BatchShape);
        }
        var dtype = p.Coefficients.dtype;
        return (x.reshape(p.SolutionShape).to_type(dtype), eps.reshape(p.BatchShape).to_type(dtype));
    }

    public InputGradients Backward(Tensor gU, Tensor gEps, bool[] needs)
    {
        var p = Problem;
        var l = p.Layout;
        var (gc, gb, giv, gh) = KernelBackward(gU.reshape(p.BatchSize, -1), gEps.reshape(-1));
        Tensor? Back(bool need, Tensor g, Tensor input, params long[] trailing) => need
            ? Broadcasting.SumToShape(g.reshape(p.BatchShape.Concat(trailing).ToArray()), input.shape).to_type(input.dtype)
            : null;
        return new InputGradients(
            Back(needs[0], gc, p.Coefficients, l.T, l.E, l.D, l.R1),
            Back(needs[1], gb, p.Rhs, l.T, l.E),
            needs[2] && l.S == 0 ? zeros_like(p.InitialValues) : Back(needs[2], giv, p.InitialValues, l.S, l.D, l.K),
            Back(needs[3], gh, p.Steps, l.T - 1));
    }
}

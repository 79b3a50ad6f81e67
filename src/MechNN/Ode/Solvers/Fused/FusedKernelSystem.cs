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

    /// <exception cref="IllPosedSystemException">Some member is ill-posed or its solution not finite.</exception>
    public virtual (Tensor U, Tensor Eps) Solve()
    {
        var p = Problem;
        var (x, eps) = Solution();
        if (MayBeIllPosed) Verify(x);
        var dtype = p.Coefficients.dtype;
        return (x.reshape(p.SolutionShape).to_type(dtype), eps.reshape(p.BatchShape).to_type(dtype));
    }

    /// <summary>The detailed checks after a failed verdict: they name the ill-posed or non-finite members.</summary>
    /// <param name="x">The solution (B, T·n).</param>
    protected void Verify(Tensor x)
    {
        var p = Problem;
        Wellposedness.Check(p, Info, MinPivot, Unpinned);
        if (p.Spec.Epsilon) Wellposedness.CheckSchur(RelativeSchur, p.BatchShape);
        Wellposedness.CheckFinite(x, p.BatchShape);
    }

    public abstract InputGradients Backward(Tensor gU, Tensor gEps, bool[] needs);

    /// <summary>The trailing shapes of coefficients, rhs, initial values and steps: (T, E, D, R+1), (T, E), (S, D, K), (T−1).</summary>
    protected long[][] InputTrailing()
    {
        var l = Problem.Layout;
        return [[l.T, l.E, l.D, l.R1], [l.T, l.E], [l.S, l.D, l.K], [l.T - 1]];
    }

    /// <summary>A (B, length) gradient in the shape of <paramref name="input"/> (summed over its broadcast axes) and its dtype.</summary>
    protected Tensor ToInput(Tensor g, Tensor input, long[] trailing) =>
        Broadcasting.SumToShape(g.reshape(Problem.BatchShape.Concat(trailing).ToArray()), input.shape).to_type(input.dtype);
}

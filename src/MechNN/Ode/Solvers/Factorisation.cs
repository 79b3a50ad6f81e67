using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Ode.Solvers;

/// <summary>
/// Health check of a batched Cholesky factorisation of a Jacobi-equilibrated SPD matrix (unit diagonal), so the
/// pivots are scale-free: a pivot L_ii² below a tolerance means the matrix is numerically singular.
/// </summary>
public static class Factorisation
{
    /// <summary>Default smallest accepted squared pivot of the equilibrated matrix (its diagonal is 1).</summary>
    public const double DefaultPivotTolerance = 1e-13;

    /// <summary>Throws <see cref="IllPosedSystemException"/> listing members with info ≠ 0 or a tiny pivot.</summary>
    /// <param name="info">(B) LAPACK info per member (0 = success).</param>
    /// <param name="minPivot">(B) smallest squared pivot per member.</param>
    internal static void Check(Tensor info, Tensor minPivot, double tolerance, long[] batchShape)
    {
        using var scope = NewDisposeScope();
        var bad = info.ne(0).logical_or(minPivot.lt(tolerance)).logical_or(minPivot.isnan());
        if (!bad.any().item<bool>()) return;
        var members = bad.nonzero().flatten().cpu().data<long>().ToArray();
        throw new IllPosedSystemException(members, batchShape, "the normal matrix is singular or not positive definite");
    }

    /// <summary>Throws when a solution holds NaN/Inf despite a successful factorisation (overflow).</summary>
    internal static void CheckFinite(Tensor solution, long[] batchShape)
    {
        using var scope = NewDisposeScope();
        var bad = solution.reshape(solution.size(0), -1).isfinite().all(1).logical_not();
        if (!bad.any().item<bool>()) return;
        var members = bad.nonzero().flatten().cpu().data<long>().ToArray();
        throw new IllPosedSystemException(members, batchShape, "the solution is not finite");
    }
}

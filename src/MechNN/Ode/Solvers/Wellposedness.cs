using MechNN.Ode.Solvers.Banded;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Ode.Solvers;

/// <summary>
/// Decides which batch members are ill-posed, so no solver ever returns a meaningless or NaN solution silently.
/// A tiny Cholesky pivot alone cannot decide it (h^i-scaled rows give legitimate pivots near 1e-14 for R = 4, h = 1e-3),
/// so a suspicious pivot is confirmed structurally: the smoothness rows are exact for polynomials of degree ≤ R, so
/// those (R+1)·D directions are the only candidates for a null space, and the member is ill-posed exactly when its
/// equation and initial rows fail to pin them (their correlation matrix on that basis is singular).
/// </summary>
internal static class Wellposedness
{
    /// <summary>Squared pivot (of the unit-diagonal equilibrated matrix) below which the null-space test runs.</summary>
    public const double SuspiciousPivot = 1e-9;
    /// <summary>Smallest squared Cholesky pivot of the correlation matrix of the pinning rows that still counts as pinned.</summary>
    public const double NullspaceTolerance = 1e-10;
    /// <summary>Relative Schur complement of the ε border below which ε counts as not determined.</summary>
    public const double UndeterminedSchur = 1e-13;

    /// <param name="info">(B) Cholesky info (0 = factorised).</param>
    /// <param name="minPivot">(B) smallest squared pivot.</param>
    /// <param name="unpinned">(B) the structural test's answer when the backend computed it already (else it runs here).</param>
    public static void Check(OdeProblem problem, Tensor info, Tensor minPivot, Tensor? unpinned = null)
    {
        using var scope = NewDisposeScope();
        var failed = info.ne(0).logical_or(minPivot.isnan());
        var suspicious = minPivot.lt(SuspiciousPivot).logical_and(failed.logical_not());
        bool anyFailed = failed.any().item<bool>();
        if (!anyFailed && !suspicious.any().item<bool>()) return;
        // A failed factorisation is decided structurally too: a member whose modes are all pinned is well-posed, and its
        // Cholesky broke down only to rounding (its smallest relative pivot shrinks like a power of h: h³ for R = 3); say
        // that, not "ill-posed".
        var structural = anyFailed || unpinned is null ? UnpinnedPolynomials(problem) : unpinned;
        Throw(failed.logical_or(suspicious).logical_and(structural), problem.BatchShape,
            "the normal matrix is singular: some solution mode is not pinned by the equation and initial rows");
        if (!anyFailed) return;
        var members = Members(failed);
        double h = problem.Steps.min().item<double>();
        throw new IllPosedSystemException(members, problem.BatchShape,
            "Numerically singular ODE system: the Cholesky factorisation broke down in float64 rounding although the problem " +
            "is well-posed (every solution mode is pinned)",
            $"Order R = {problem.Spec.Order} with steps down to h = {h:G3} makes the normal matrix too ill-conditioned " +
            "for float64 (its smallest relative pivot shrinks like a power of h): use fewer, larger steps or a lower order.");
    }

    /// <summary>Flags members whose relative Schur complement of the ε border is not positive.</summary>
    public static void CheckSchur(Tensor relativeSchur, long[] batchShape) =>
        Throw(relativeSchur.lt(UndeterminedSchur).logical_or(relativeSchur.isnan()), batchShape, "the slack ε is not determined");

    /// <summary>Throws when a solution holds NaN/Inf despite a successful factorisation (overflow).</summary>
    public static void CheckFinite(Tensor solution, long[] batchShape)
    {
        using var scope = NewDisposeScope();
        Throw(solution.reshape(solution.size(0), -1).isfinite().all(1).logical_not(), batchShape, "the solution is not finite");
    }

    private static void Throw(Tensor bad, long[] batchShape, string why)
    {
        if (!bad.any().item<bool>()) return;
        throw new IllPosedSystemException(Members(bad), batchShape, why);
    }

    private static long[] Members(Tensor bad) => bad.reshape(-1).nonzero().flatten().cpu().data<long>().ToArray();

    /// <summary>(B) true where some polynomial of degree ≤ R (per dim) is not pinned by the equation and initial rows.</summary>
    private static Tensor UnpinnedPolynomials(OdeProblem p)
    {
        var rows = new RowAlgebra(p);
        var spec = p.Spec;
        int T = p.StepCount, D = spec.Dims, R1 = spec.Order + 1;
        var h = rows.Steps;                                                      // (…, T−1)
        var time = nn.functional.pad(h.cumsum(-1), new long[] { 1, 0 });         // (…, T)
        var span = time.narrow(-1, T - 1, 1);
        var tau = 2 * time / span - 1;                                           // in [−1, 1]
        var columns = new List<Tensor>();
        var zeroEps = zeros(p.BatchShape, dtype: h.dtype, device: h.device);
        for (int d = 0; d < D; d++)
            for (int k = 0; k < R1; k++)
            {
                // p(τ) = τ^k on dim d; its j-th time derivative is k!/(k−j)!·τ^(k−j)·(2/span)^j.
                var x = zeros(p.BatchShape.Concat(new long[] { T, D, R1 }).ToArray(), dtype: h.dtype, device: h.device);
                double falling = 1;
                for (int j = 0; j <= k; j++)
                {
                    x.select(-1, j).select(-1, d).copy_(falling * tau.pow(k - j) * (2 / span).pow(j));
                    falling *= k - j;
                }
                var v = rows.Weighted(rows.Apply(x, zeroEps));
                var parts = new List<Tensor> { v.Equation.reshape(p.BatchSize, -1) };
                if (v.Initial is not null) parts.Add(v.Initial.reshape(p.BatchSize, -1));
                columns.Add(cat(parts, 1));
            }
        var V = stack(columns, -1);                                              // (B, rows, D·R1)
        var gram = V.mT.bmm(V);
        var diag = gram.diagonal(0, -2, -1);
        var scale = torch.where(diag > 0, diag.rsqrt(), zeros_like(diag));
        var corr = scale.unsqueeze(-1) * gram * scale.unsqueeze(-2);
        // Cholesky pivots of the correlation matrix (not eigenvalues: batched eigensolvers are slow and memory-hungry
        // on GPUs); the fused kernel applies the same test.
        var (l, info) = linalg.cholesky_ex(corr);
        var smallest = l.diagonal(0, -2, -1).square().amin(-1);
        return smallest.lt(NullspaceTolerance).logical_or(smallest.isnan()).logical_or(info.ne(0)).logical_or(diag.le(0).any(-1));
    }
}

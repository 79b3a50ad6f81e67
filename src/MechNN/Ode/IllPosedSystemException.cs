namespace MechNN.Ode;

/// <summary>
/// The normal matrix of some batch members is singular or not positive definite (e.g. no initial values and zero
/// coefficients), so their solution would be NaN or meaningless. Lists those members instead of returning NaN.
/// </summary>
public sealed class IllPosedSystemException : InvalidOperationException
{
    /// <summary>Flat indices (row-major over the batch shape) of the failing systems.</summary>
    public IReadOnlyList<long> Members { get; }

    /// <summary>Names the failing members and why.</summary>
    /// <param name="members">Flat indices of the failing systems.</param>
    /// <param name="batchShape">The batch shape, to print multi-indices.</param>
    /// <param name="why">What the test found (singular, ε undetermined, non-finite).</param>
    public IllPosedSystemException(IReadOnlyList<long> members, long[] batchShape, string why)
        : base(Describe(members, batchShape, why)) => Members = members;

    private static string Describe(IReadOnlyList<long> members, long[] batchShape, string why)
    {
        var shown = string.Join(", ", members.Take(10).Select(m => BatchIndex.Format(m, batchShape)));
        var more = members.Count > 10 ? $" and {members.Count - 10} more" : "";
        return $"Ill-posed ODE system: {why} for {members.Count} batch member(s): {shown}{more}. " +
               "Typical causes: no initial values together with zero or degenerate coefficients, or steps far too large/small.";
    }
}

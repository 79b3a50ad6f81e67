namespace MechNN.Ode;

/// <summary>
/// The normal matrix of some batch members is singular or not positive definite (e.g. no initial values and zero
/// coefficients, or a factorisation lost to rounding), so their solution would be NaN or meaningless. Lists those
/// members instead of returning NaN.
/// </summary>
public sealed class IllPosedSystemException : InvalidOperationException
{
    private const string TypicalCauses =
        "Typical causes: no initial values together with zero or degenerate coefficients, or steps far too large/small.";

    /// <summary>Flat indices (row-major over the batch shape) of the failing systems.</summary>
    public IReadOnlyList<long> Members { get; }

    /// <summary>Names the failing members and why ("Ill-posed ODE system: …", with the typical causes).</summary>
    /// <param name="members">Flat indices of the failing systems (at least one).</param>
    /// <param name="batchShape">The batch shape, to print multi-indices.</param>
    /// <param name="why">What the test found (singular, ε undetermined, non-finite).</param>
    public IllPosedSystemException(IReadOnlyList<long> members, long[] batchShape, string why)
        : this(members, batchShape, $"Ill-posed ODE system: {why}", TypicalCauses) { }

    /// <summary>Names the failing members, what failed and what to change.</summary>
    /// <param name="members">Flat indices of the failing systems (at least one).</param>
    /// <param name="batchShape">The batch shape, to print multi-indices.</param>
    /// <param name="failure">The whole statement of what failed, without the members.</param>
    /// <param name="remedy">What to change; ends the message.</param>
    public IllPosedSystemException(IReadOnlyList<long> members, long[] batchShape, string failure, string remedy)
        : base(Describe(members, batchShape, failure, remedy)) => Members = members;

    private static string Describe(IReadOnlyList<long> members, long[] batchShape, string failure, string remedy)
    {
        if (members.Count == 0) throw new ArgumentException("internal: an ill-posed system names at least one member", nameof(members));
        var shown = string.Join(", ", members.Take(10).Select(m => BatchIndex.Format(m, batchShape)));
        var more = members.Count > 10 ? $" and {members.Count - 10} more" : "";
        return $"{failure} for {members.Count} batch member(s): {shown}{more}. {remedy}";
    }
}

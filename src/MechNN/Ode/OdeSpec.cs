namespace MechNN.Ode;

/// <summary>
/// Immutable description of a family of batched linear ODE problems
/// Σ_d Σ_i c_{t,e,d,i} u_d^(i)(t) = b_{t,e}, e &lt; E, discretised on T steps (T and the batch come with the inputs).
/// </summary>
public sealed record OdeSpec
{
    /// <summary>ODE order R ≥ 1: unknowns per step and dimension are u, u', …, u^(R).</summary>
    public int Order { get; }
    /// <summary>Coupled state dimensions D.</summary>
    public int Dims { get; init; } = 1;
    /// <summary>Equations per step E.</summary>
    public int Equations { get; init; } = 1;
    /// <summary>Initial-value constraints apply to the first S steps (S = 0: no initial values).</summary>
    public int InitialSteps { get; init; } = 1;
    /// <summary>Derivative orders 0..k−1 constrained by initial values (k ≤ R).</summary>
    public int InitialOrders { get; init; } = 1;
    public RowWeights Weights { get; init; } = RowWeights.Unit;
    /// <summary>MNN relaxation: the slack ε is rewarded linearly by γ·α (only their product matters).</summary>
    public double Gamma { get; init; } = 0.5;
    public double Alpha { get; init; } = 0.1;
    /// <summary>Include the shared slack variable ε (MNN). False gives plain weighted least squares (S-MNN).</summary>
    public bool Epsilon { get; init; } = true;
    public TopOrderRows TopOrder { get; init; } = TopOrderRows.Central;

    public OdeSpec(int order)
    {
        if (order < 1) throw new ArgumentOutOfRangeException(nameof(order), order, "ODE order must be ≥ 1.");
        Order = order;
    }

    /// <summary>
    /// The paper's MNN formulation (NeuRLP): the shared slack ε rewarded by γ·α, and one central-difference row per
    /// interior step for the top order (<see cref="TopOrderRows.Central"/>). Set dims, equations and initial values
    /// with <c>with</c> or an initializer.
    /// </summary>
    /// <param name="order">ODE order R ≥ 1.</param>
    /// <returns>The spec with ε on and central top-order rows (the defaults of <see cref="OdeSpec(int)"/>).</returns>
    /// <exception cref="ArgumentOutOfRangeException">The order is below 1.</exception>
    public static OdeSpec Mnn(int order) => new(order) { Epsilon = true, TopOrder = TopOrderRows.Central };

    /// <summary>
    /// The S-MNN formulation: plain weighted least squares without ε, the top order tied between steps by forward and
    /// backward continuity rows (<see cref="TopOrderRows.Continuity"/>).
    /// </summary>
    /// <param name="order">ODE order R ≥ 1.</param>
    /// <returns>The spec with ε off and continuity top-order rows.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The order is below 1.</exception>
    public static OdeSpec Smnn(int order) => new(order) { Epsilon = false, TopOrder = TopOrderRows.Continuity };

    /// <summary>Unknowns per step: D·(R+1).</summary>
    public int BlockSize => Dims * (Order + 1);
    /// <summary>The linear reward on ε; zero when ε is off.</summary>
    public double EpsilonReward => Epsilon ? Gamma * Alpha : 0.0;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first inconsistent setting.</summary>
    public OdeSpec Validated()
    {
        if (Dims < 1) throw new ArgumentException($"Dims must be ≥ 1 (got {Dims}).");
        if (Equations < 1) throw new ArgumentException($"Equations must be ≥ 1 (got {Equations}).");
        if (InitialSteps < 0) throw new ArgumentException($"InitialSteps must be ≥ 0 (got {InitialSteps}).");
        if (InitialSteps > 0 && (InitialOrders < 1 || InitialOrders > Order))
            throw new ArgumentException($"InitialOrders must be in 1..{Order} (the order) when initial values are given (got {InitialOrders}).");
        foreach (var (name, w) in new[] { ("equation", Weights.Equation), ("initial", Weights.Initial), ("smoothness", Weights.Smoothness) })
            if (!(w > 0) || !double.IsFinite(w)) throw new ArgumentException($"The {name} row weight must be positive and finite (got {w}).");
        if (!double.IsFinite(Gamma) || !double.IsFinite(Alpha)) throw new ArgumentException("Gamma and Alpha must be finite.");
        return this;
    }

    /// <summary>Number of initial-value orders actually constrained (0 when S = 0).</summary>
    internal int ConstrainedInitialOrders => InitialSteps == 0 ? 0 : InitialOrders;
}

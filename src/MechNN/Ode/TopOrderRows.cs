namespace MechNN.Ode;

/// <summary>How the highest derivative u^(R) is tied between steps (besides appearing in the lower-order Taylor rows).</summary>
public enum TopOrderRows
{
    /// <summary>No extra row: u^(R) is fixed only through the Taylor rows of lower orders and the equations.</summary>
    None,
    /// <summary>MNN (reference code): one central-difference row per interior step, H^(R−1)·[(u^(R−1)_{t+1} − u^(R−1)_{t−1})/H − u^(R)_t].</summary>
    Central,
    /// <summary>S-MNN default: forward and backward Taylor rows are also written for order R, h^R·(u^(R)_t − u^(R)_{t±1}).</summary>
    Continuity,
}

namespace MechNN.Layers;

/// <summary>How a <see cref="MechanisticLayer"/> reads its inputs.</summary>
public enum LayerMode
{
    /// <summary>Independent scalar ODEs (D = E = 1): coefficients (…, T, R+1), rhs (…, T), initial values (…, S, k); U is (…, T, R+1).</summary>
    Independent,
    /// <summary>Coupled systems: coefficients (…, T, E, D, R+1), rhs (…, T, E), initial values (…, S, D, k); U is (…, T, D, R+1).</summary>
    Coupled,
}

namespace MechNN.Ode;

/// <summary>An input tensor has the wrong shape, dtype or device, or holds values that make no problem (NaN/Inf, steps ≤ 0).</summary>
public sealed class OdeInputException(string message) : ArgumentException(message);

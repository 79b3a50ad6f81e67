namespace MechNN.Discovery.Sindy;

/// <summary>Estimates dx/dt of sampled trajectories (rows = samples, columns = state variables).</summary>
public interface IDifferentiator
{
    /// <summary>dx/dt at every sample.</summary>
    /// <param name="x">Samples × states.</param>
    /// <param name="t">Sample times (increasing).</param>
    /// <returns>Samples × states.</returns>
    double[][] Differentiate(double[][] x, IReadOnlyList<double> t);

    /// <summary>The states the candidate library is evaluated on beside these derivatives: x itself, or — for a
    /// smoothing differentiator with PySINDy 2.x semantics — the smoothed x.</summary>
    /// <param name="x">Samples × states.</param>
    /// <returns>Samples × states.</returns>
    double[][] States(double[][] x) => x;
}

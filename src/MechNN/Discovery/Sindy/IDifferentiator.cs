namespace MechNN.Discovery.Sindy;

/// <summary>Estimates dx/dt of sampled trajectories (rows = samples, columns = state variables).</summary>
public interface IDifferentiator
{
    /// <summary>dx/dt at every sample.</summary>
    /// <param name="x">Samples × states.</param>
    /// <param name="t">Sample times (increasing).</param>
    /// <returns>Samples × states.</returns>
    double[][] Differentiate(double[][] x, IReadOnlyList<double> t);
}

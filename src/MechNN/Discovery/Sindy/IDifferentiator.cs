namespace MechNN.Discovery.Sindy;

/// <summary>Estimates dx/dt of sampled trajectories (rows = samples, columns = state variables).</summary>
public interface IDifferentiator
{
    double[][] Differentiate(double[][] x, IReadOnlyList<double> t);
}

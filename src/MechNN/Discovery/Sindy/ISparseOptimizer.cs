namespace MechNN.Discovery.Sindy;

/// <summary>Finds sparse ξ with Θξ ≈ ẋ: coefficients[target][feature].</summary>
public interface ISparseOptimizer
{
    double[][] Fit(double[][] theta, double[][] dx);
}

namespace MechNN.Discovery.Sindy;

/// <summary>Finds sparse ξ with Θξ ≈ ẋ: coefficients[target][feature].</summary>
public interface ISparseOptimizer
{
    /// <summary>Sparse ξ with Θ ξ ≈ ẋ.</summary>
    /// <param name="theta">Samples × features (the library evaluated on the data).</param>
    /// <param name="dx">Samples × states (the derivatives).</param>
    /// <returns>States × features.</returns>
    double[][] Fit(double[][] theta, double[][] dx);
}

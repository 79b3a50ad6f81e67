namespace MechNN.Ode;

/// <summary>Least-squares weights of the three row families (every row of a family gets the same weight).</summary>
public readonly record struct RowWeights(double Equation = 1.0, double Initial = 1.0, double Smoothness = 1.0)
{
    /// <summary>Every row weighted 1.</summary>
    public static RowWeights Unit => new(1.0, 1.0, 1.0);
}

namespace MechNN.Numerics;

/// <summary>Order statistics the discovery methods share.</summary>
internal static class Statistics
{
    /// <summary>The median (the mean of the two middle values for an even count).</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        int m = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }
}

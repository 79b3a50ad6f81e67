namespace MechNN.IO.Npy;

/// <summary>
/// A dense array as a .npy file holds it: the values in C order (last index fastest) and the shape. The element type is
/// that of <see cref="Data"/>: <c>double[]</c>, <c>float[]</c>, <c>long[]</c> or <c>int[]</c> (NumPy f8, f4, i8, i4).
/// </summary>
public sealed record NpyArray
{
    /// <summary>Wraps <paramref name="data"/> with its C-order shape.</summary>
    /// <param name="data">The values, last index fastest: a double[], float[], long[] or int[].</param>
    /// <param name="shape">The extent of each dimension (none for a scalar); their product must equal the number of values.</param>
    /// <exception cref="ArgumentException">Another element type, a negative extent, or a shape that does not hold the data.</exception>
    public NpyArray(Array data, params long[] shape)
    {
        Type = NpyTypes.Of(data);
        if (shape.Any(d => d < 0)) throw new ArgumentException($"shape ({string.Join(", ", shape)}) has a negative extent.", nameof(shape));
        if (shape.Aggregate(1L, (p, d) => p * d) != data.Length)
            throw new ArgumentException($"shape ({string.Join(", ", shape)}) does not hold {data.Length} values.", nameof(shape));
        Data = data;
        Shape = shape;
    }

    /// <summary>The values in C order.</summary>
    public Array Data { get; }

    /// <summary>The extent of each dimension; empty for a scalar.</summary>
    public long[] Shape { get; }

    /// <summary>The element type.</summary>
    public NpyType Type { get; }

    /// <summary>The values as float64 (integers beyond 2⁵³ round to the nearest double).</summary>
    /// <returns>A new array in C order.</returns>
    public double[] ToDoubles() => Data switch
    {
        double[] d => (double[])d.Clone(),
        float[] f => Array.ConvertAll(f, v => (double)v),
        long[] l => Array.ConvertAll(l, v => (double)v),
        int[] i => Array.ConvertAll(i, v => (double)v),
        _ => throw new InvalidOperationException("unreachable: the constructor admits four element types"),
    };
}

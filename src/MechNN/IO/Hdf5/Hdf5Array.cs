namespace MechNN.IO.Hdf5;

/// <summary>A dense row-major array of float32 or float64 values and its shape, as one HDF5 dataset holds it.</summary>
public sealed record Hdf5Array
{
    /// <summary>Wraps <paramref name="data"/> (a <c>float[]</c> or <c>double[]</c>) with its row-major shape.</summary>
    /// <param name="data">The values, last index fastest.</param>
    /// <param name="shape">The extent of each dimension; their product must equal the number of values.</param>
    /// <exception cref="ArgumentException">The data is not float[]/double[] or the shape does not fit it.</exception>
    public Hdf5Array(Array data, params long[] shape)
    {
        if (data is not (float[] or double[])) throw new ArgumentException($"HDF5 arrays hold float[] or double[], got {data.GetType().Name}.", nameof(data));
        if (shape.Length == 0 || shape.Any(d => d <= 0)) throw new ArgumentException($"shape [{string.Join(", ", shape)}] must be non-empty and positive.", nameof(shape));
        if (shape.Aggregate(1L, (p, d) => p * d) != data.Length)
            throw new ArgumentException($"shape [{string.Join(", ", shape)}] does not hold {data.Length} values.", nameof(shape));
        Data = data;
        Shape = shape;
    }

    /// <summary>The values, row-major (last index fastest): a <c>float[]</c> or a <c>double[]</c>.</summary>
    public Array Data { get; }

    /// <summary>The extent of each dimension.</summary>
    public long[] Shape { get; }
}

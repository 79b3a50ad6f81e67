namespace MechNN.IO.Npy;

/// <summary>The element types read and written: NumPy's float64, float32, int64 and int32.</summary>
public enum NpyType
{
    /// <summary>IEEE double, NumPy <c>f8</c> (<c>double</c>).</summary>
    Float64,
    /// <summary>IEEE single, NumPy <c>f4</c> (<c>float</c>).</summary>
    Float32,
    /// <summary>Signed 64-bit integer, NumPy <c>i8</c> (<c>long</c>).</summary>
    Int64,
    /// <summary>Signed 32-bit integer, NumPy <c>i4</c> (<c>int</c>).</summary>
    Int32,
}

/// <summary>Sizes, NumPy codes and .NET element types of <see cref="NpyType"/>.</summary>
internal static class NpyTypes
{
    public static int Size(NpyType type) => type is NpyType.Float64 or NpyType.Int64 ? 8 : 4;

    /// <summary>The type code after the byte-order character: f8, f4, i8, i4.</summary>
    public static string Code(NpyType type) => type switch
    {
        NpyType.Float64 => "f8", NpyType.Float32 => "f4", NpyType.Int64 => "i8", _ => "i4",
    };

    public static NpyType? FromCode(string code) => code switch
    {
        "f8" => NpyType.Float64, "f4" => NpyType.Float32, "i8" => NpyType.Int64, "i4" => NpyType.Int32, _ => null,
    };

    public static NpyType Of(Array data) => data switch
    {
        double[] => NpyType.Float64, float[] => NpyType.Float32, long[] => NpyType.Int64, int[] => NpyType.Int32,
        _ => throw new ArgumentException($"NumPy arrays hold double[], float[], long[] or int[], got {data.GetType().Name}.", nameof(data)),
    };

    public static Array Allocate(NpyType type, int length) => type switch
    {
        NpyType.Float64 => new double[length], NpyType.Float32 => new float[length], NpyType.Int64 => new long[length], _ => new int[length],
    };
}

using System.Text;
using PureHDF;
using PureHDF.Selections;
using PureHDF.VOL.Native;

namespace MechNN.IO.Hdf5;

/// <summary>
/// Reads root-level float datasets and attributes of an HDF5 file, including MATLAB v7.3 MAT-files (HDF5 behind a
/// 512-byte text header). Recognises the older MATLAB v5 format and refuses it with a note on how to convert it.
/// </summary>
public sealed class Hdf5Reader : IDisposable
{
    private readonly NativeFile _file;

    private Hdf5Reader(string path, NativeFile file, bool isMatlab)
    {
        Path = path;
        _file = file;
        IsMatlab = isMatlab;
    }

    /// <summary>The path the file was opened from, as given.</summary>
    public string Path { get; }

    /// <summary>
    /// True for a MATLAB v7.3 MAT-file. MATLAB stores arrays column-major, so a MATLAB array of size [n1, n2, n3] appears
    /// here with the dimensions reversed, [n3, n2, n1]; callers must reverse the axes to get MATLAB's indexing.
    /// </summary>
    public bool IsMatlab { get; }

    /// <summary>Opens <paramref name="path"/> for reading.</summary>
    /// <param name="path">An HDF5 file or a MATLAB v7.3 MAT-file.</param>
    /// <returns>The open reader; dispose it to close the file.</returns>
    /// <exception cref="Hdf5DataException">The file is missing, a MATLAB v5/v4 MAT-file, or not HDF5.</exception>
    public static Hdf5Reader Open(string path)
    {
        if (!File.Exists(path)) throw new Hdf5DataException(path, null, "file not found.");
        var header = ReadHeader(path);
        if (header.StartsWith("MATLAB 5.0 MAT-file", StringComparison.Ordinal))
            throw new Hdf5DataException(path, null, "a MATLAB v5 MAT-file, not HDF5; convert it with MATLAB (load, then save(..., '-v7.3')) or Python (scipy.io.loadmat, then h5py).");
        try
        {
            return new Hdf5Reader(path, H5File.OpenRead(path), header.StartsWith("MATLAB 7.3 MAT-file", StringComparison.Ordinal));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new Hdf5DataException(path, null, $"not a readable HDF5 file ({ex.Message.Split('\n')[0].Trim()}).");
        }
    }

    /// <summary>Whether a root-level dataset <paramref name="name"/> exists.</summary>
    /// <param name="name">The dataset name.</param>
    /// <returns>True when the link exists.</returns>
    public bool Exists(string name) => _file.LinkExists(name);

    /// <summary>The stored dimensions of a floating-point dataset (HDF5 order, last fastest).</summary>
    /// <param name="name">The dataset name.</param>
    /// <returns>The dimensions.</returns>
    /// <exception cref="Hdf5DataException">The dataset is missing or not float32/float64.</exception>
    public long[] Shape(string name) => Dataset(name).Space.Dimensions.Select(d => (long)d).ToArray();

    /// <summary>
    /// Reads a floating-point dataset (float32 or float64) as float64, whole or a strided block of it: along each stored
    /// dimension d, <c>count[d]</c> elements from <c>start[d]</c> every <c>stride[d]</c>.
    /// </summary>
    /// <param name="name">The dataset name.</param>
    /// <param name="start">First index per dimension, or null for the whole dataset.</param>
    /// <param name="stride">Step per dimension (with <paramref name="start"/>).</param>
    /// <param name="count">Number of elements per dimension (with <paramref name="start"/>).</param>
    /// <returns>The values, row-major in stored order.</returns>
    /// <exception cref="Hdf5DataException">The dataset is missing, not floating point, or the block lies outside it.</exception>
    public double[] ReadDoubles(string name, long[]? start = null, long[]? stride = null, long[]? count = null)
    {
        var dataset = Dataset(name);
        var dims = dataset.Space.Dimensions;
        Selection? selection = null;
        if (start is not null)
        {
            if (stride is null || count is null || start.Length != dims.Length || stride.Length != dims.Length || count.Length != dims.Length)
                throw new ArgumentException($"a block of '{name}' needs start, stride and count for each of its {dims.Length} dimensions.");
            for (var d = 0; d < dims.Length; d++)
                if (start[d] < 0 || stride[d] < 1 || count[d] < 1 || start[d] + (count[d] - 1) * stride[d] >= (long)dims[d])
                    throw new Hdf5DataException(Path, name, $"block start {start[d]}, stride {stride[d]}, count {count[d]} exceeds dimension {d} of size {dims[d]}.");
            selection = new HyperslabSelection(dims.Length, start.Select(v => (ulong)v).ToArray(), stride.Select(v => (ulong)v).ToArray(),
                count.Select(v => (ulong)v).ToArray(), Enumerable.Repeat(1UL, dims.Length).ToArray());
        }
        // A flat destination: PureHDF returns a T[] only for rank-1 memory.
        var memoryDims = new[] { (count?.Select(v => (ulong)v) ?? dims).Aggregate(1UL, (p, d) => p * d) };
        try
        {
            if (dataset.Type.Size == 8) return dataset.Read<double[]>(selection, null, memoryDims);
            var single = dataset.Read<float[]>(selection, null, memoryDims);
            return Array.ConvertAll(single, v => (double)v);
        }
        catch (Exception ex) when (ex is not (Hdf5DataException or OutOfMemoryException))
        {
            throw new Hdf5DataException(Path, name, $"cannot be read ({ex.Message.Split('\n')[0].Trim()}).");
        }
    }

    /// <summary>Reads a root attribute, or returns false when it is absent or of another type.</summary>
    /// <typeparam name="T">The attribute's scalar type (string, int, long, double).</typeparam>
    /// <param name="name">The attribute name.</param>
    /// <param name="value">The value when found.</param>
    /// <returns>True when the attribute exists and reads as <typeparamref name="T"/>.</returns>
    public bool TryReadAttribute<T>(string name, out T value)
    {
        value = default!;
        if (!_file.AttributeExists(name)) return false;
        try
        {
            value = _file.Attribute(name).Read<T>();
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _file.Dispose();

    private IH5Dataset Dataset(string name)
    {
        if (!_file.LinkExists(name)) throw new Hdf5DataException(Path, name, "missing.");
        IH5Dataset dataset;
        try
        {
            dataset = _file.Dataset(name);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new Hdf5DataException(Path, name, $"is not a dataset ({ex.Message.Split('\n')[0].Trim()}).");
        }
        if (dataset.Type.Class != H5DataTypeClass.FloatingPoint || dataset.Type.Size is not (4 or 8))
            throw new Hdf5DataException(Path, name, $"holds {dataset.Type.Class} values of {dataset.Type.Size} bytes; expected float32 or float64.");
        return dataset;
    }

    private static string ReadHeader(string path)
    {
        using var stream = File.OpenRead(path);
        var buffer = new byte[32];
        var read = stream.Read(buffer, 0, buffer.Length);
        return Encoding.ASCII.GetString(buffer, 0, read);
    }
}

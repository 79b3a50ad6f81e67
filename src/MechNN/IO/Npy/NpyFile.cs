using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace MechNN.IO.Npy;

/// <summary>
/// Reads and writes NumPy .npy files (format versions 1.0, 2.0 and 3.0) of float64, float32, int64 and int32, little- or
/// big-endian, C or Fortran order. Object arrays are refused: their data is a pickle, which is never read. Every
/// malformed file raises <see cref="NpyFormatException"/> with its <see cref="NpyProblem"/>; writes are atomic.
/// </summary>
public static class NpyFile
{
    // NumPy itself refuses headers over 10,000 characters unless told otherwise; a larger one is not a real header.
    private const int MaximumHeader = 1 << 20;

    /// <summary>Reads the array in <paramref name="path"/>.</summary>
    /// <param name="path">A .npy file.</param>
    /// <returns>The values in C order with their shape and type.</returns>
    /// <exception cref="NpyFormatException">The file is not a readable .npy file (its <see cref="NpyFormatException.Problem"/> says why).</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static NpyArray Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: file not found", path);
        using var stream = File.OpenRead(path);
        return Read(stream, path, null, stream.Length);
    }

    /// <summary>Reads one array from <paramref name="stream"/>, which must hold exactly one .npy image.</summary>
    /// <param name="stream">The bytes, from the magic on.</param>
    /// <param name="file">The file name for messages.</param>
    /// <param name="array">The .npz entry name for messages, or null for a plain .npy.</param>
    /// <param name="length">The stream's length in bytes, when known (it lets a truncated file be refused before any allocation).</param>
    /// <returns>The values in C order with their shape and type.</returns>
    /// <exception cref="NpyFormatException">The bytes are not a readable .npy image.</exception>
    public static NpyArray Read(Stream stream, string file, string? array = null, long? length = null)
    {
        Exception Fail(NpyProblem problem, string detail) => new NpyFormatException(file, array, problem, detail);

        Span<byte> prefix = stackalloc byte[8];
        if (ReadFully(stream, prefix) < 8 || !prefix[..6].SequenceEqual(NpyHeader.Magic))
            throw Fail(NpyProblem.BadMagic, "not a NumPy .npy file (it does not start with \\x93NUMPY)");
        byte major = prefix[6], minor = prefix[7];
        if (major is not (1 or 2 or 3) || minor != 0)
            throw Fail(NpyProblem.UnsupportedVersion, $"NPY format version {major}.{minor} is not supported (1.0, 2.0 and 3.0 are)");
        Span<byte> lengthBytes = stackalloc byte[4];
        int lengthSize = major == 1 ? 2 : 4;
        if (ReadFully(stream, lengthBytes[..lengthSize]) < lengthSize) throw Fail(NpyProblem.Truncated, "truncated: the file ends inside the header");
        long headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(lengthBytes) : BinaryPrimitives.ReadUInt32LittleEndian(lengthBytes);
        if (headerLength > MaximumHeader) throw Fail(NpyProblem.BadHeader, $"bad header: {headerLength} bytes long (NumPy headers are a few hundred)");
        var headerBytes = new byte[headerLength];
        if (ReadFully(stream, headerBytes) < headerLength) throw Fail(NpyProblem.Truncated, "truncated: the file ends inside the header");
        string text;
        try
        {
            text = major == 3 ? new UTF8Encoding(false, true).GetString(headerBytes) : Encoding.Latin1.GetString(headerBytes);
        }
        catch (DecoderFallbackException)
        {
            throw Fail(NpyProblem.BadHeader, "bad header: not valid UTF-8 (version 3.0 headers are UTF-8)");
        }
        var header = NpyHeader.Parse(text, Fail);
        var (type, bigEndian) = Dtype(header.Descr, Fail);

        long count = 1;
        foreach (var d in header.Shape)
            if (d != 0 && count > Array.MaxLength / d) throw Fail(NpyProblem.TooLarge, $"shape ({string.Join(", ", header.Shape)}) has more elements than one array can hold");
            else count *= d;
        if (count > Array.MaxLength) throw Fail(NpyProblem.TooLarge, $"shape ({string.Join(", ", header.Shape)}) has more elements than one array can hold");
        long dataBytes = count * NpyTypes.Size(type);
        long headerEnd = lengthSize + 8 + headerLength;
        string Needs() => $"shape ({string.Join(", ", header.Shape)}) of {header.Descr} needs {dataBytes} bytes of data";
        if (length is { } total && total - headerEnd < dataBytes) throw Fail(NpyProblem.Truncated, $"truncated: {Needs()}, the file has {total - headerEnd}");

        var data = NpyTypes.Allocate(type, (int)count);
        var target = Bytes(data);
        int read = ReadFully(stream, target);
        if (read < dataBytes) throw Fail(NpyProblem.Truncated, $"truncated: {Needs()}, the file has {read}");
        Span<byte> probe = stackalloc byte[1];
        if (ReadFully(stream, probe) > 0)
            throw Fail(NpyProblem.TrailingBytes, $"{(length is { } all ? $"{all - headerEnd - dataBytes} bytes" : "bytes")} after the data ({Needs()})");
        if (bigEndian != !BitConverter.IsLittleEndian) SwapBytes(data);
        return new NpyArray(header.FortranOrder ? ToCOrder(data, header.Shape) : data, header.Shape);
    }

    /// <summary>Writes <paramref name="array"/> as a version 1.0 .npy file (little-endian, C order), atomically.</summary>
    /// <param name="path">The file to create or replace; missing folders are created.</param>
    /// <param name="array">The array.</param>
    /// <exception cref="IOException">The file cannot be written (nothing is left behind).</exception>
    public static void Write(string path, NpyArray array) => AtomicFile.Write(path, stream => Write(stream, array));

    /// <summary>Writes <paramref name="array"/> as one .npy image (little-endian, C order) to <paramref name="stream"/>.</summary>
    /// <param name="stream">Where the bytes go.</param>
    /// <param name="array">The array.</param>
    public static void Write(Stream stream, NpyArray array)
    {
        stream.Write(NpyHeader.Format(array.Type, array.Shape));
        if (BitConverter.IsLittleEndian) stream.Write(Bytes(array.Data));
        else
        {
            var copy = (Array)array.Data.Clone();
            SwapBytes(copy);
            stream.Write(Bytes(copy));
        }
    }

    private static (NpyType Type, bool BigEndian) Dtype(string descr, Func<NpyProblem, string, Exception> fail)
    {
        // A leading '<', '>', '|' or '=' is the byte order; without one (hand-written headers) the host's is meant.
        bool marked = descr.Length > 0 && descr[0] is '<' or '>' or '|' or '=';
        char order = marked ? descr[0] : '=';
        var code = marked ? descr[1..] : descr;
        if (code.StartsWith('O')) throw fail(NpyProblem.ObjectArray, $"an object array (dtype '{descr}'): its data is a Python pickle, which is not read; save numeric arrays (e.g. x.astype(float))");
        var type = NpyTypes.FromCode(code);
        // '|' means "byte order not applicable", which NumPy writes only for one-byte types.
        if (type is null || order == '|')
            throw fail(NpyProblem.UnsupportedDtype, $"unsupported dtype '{descr}' (float64 '<f8', float32 '<f4', int64 '<i8' and int32 '<i4' are read, either byte order)");
        return (type.Value, order == '>' || (order == '=' && !BitConverter.IsLittleEndian));
    }

    private static Span<byte> Bytes(Array data) => data switch
    {
        double[] d => MemoryMarshal.AsBytes(d.AsSpan()),
        float[] f => MemoryMarshal.AsBytes(f.AsSpan()),
        long[] l => MemoryMarshal.AsBytes(l.AsSpan()),
        int[] i => MemoryMarshal.AsBytes(i.AsSpan()),
        _ => throw new InvalidOperationException("unreachable: four element types"),
    };

    private static void SwapBytes(Array data)
    {
        if (data is double[] or long[]) BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, long>(Bytes(data)), MemoryMarshal.Cast<byte, long>(Bytes(data)));
        else BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, int>(Bytes(data)), MemoryMarshal.Cast<byte, int>(Bytes(data)));
    }

    /// <summary>Fortran order (first index fastest) to C order (last index fastest).</summary>
    private static Array ToCOrder(Array fortran, long[] shape) => shape.Length < 2 ? fortran : fortran switch
    {
        double[] d => Transpose(d, shape), float[] f => Transpose(f, shape), long[] l => Transpose(l, shape), int[] i => Transpose(i, shape),
        _ => throw new InvalidOperationException("unreachable: four element types"),
    };

    private static T[] Transpose<T>(T[] fortran, long[] shape)
    {
        var c = new T[fortran.Length];
        var strides = new long[shape.Length];   // of the Fortran layout
        long stride = 1;
        for (int d = 0; d < shape.Length; d++) { strides[d] = stride; stride *= shape[d]; }
        var index = new long[shape.Length];     // C-order odometer
        for (int flat = 0; flat < c.Length; flat++)
        {
            long at = 0;
            for (int d = 0; d < shape.Length; d++) at += index[d] * strides[d];
            c[flat] = fortran[at];
            for (int d = shape.Length - 1; d >= 0 && ++index[d] == shape[d]; d--) index[d] = 0;
        }
        return c;
    }

    private static int ReadFully(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}

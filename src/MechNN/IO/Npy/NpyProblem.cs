namespace MechNN.IO.Npy;

/// <summary>What is wrong with a NumPy file; every malformed case has its own name.</summary>
public enum NpyProblem
{
    /// <summary>The file does not start with the NPY magic <c>\x93NUMPY</c> (or, for .npz, the zip signature).</summary>
    BadMagic,
    /// <summary>A format version other than 1.0, 2.0 or 3.0.</summary>
    UnsupportedVersion,
    /// <summary>The header is not the dictionary NumPy writes (keys descr, fortran_order, shape).</summary>
    BadHeader,
    /// <summary>A dtype other than float64, float32, int64 or int32 (e.g. float16, complex, strings, structured).</summary>
    UnsupportedDtype,
    /// <summary>An object array: its data is a Python pickle, which is never executed or read.</summary>
    ObjectArray,
    /// <summary>Fewer data bytes than the header's shape and dtype need (or a damaged .npz entry).</summary>
    Truncated,
    /// <summary>More bytes after the data than the header's shape and dtype account for.</summary>
    TrailingBytes,
    /// <summary>More elements than one .NET array holds.</summary>
    TooLarge,
    /// <summary>A .npz that is not a readable zip archive.</summary>
    BadArchive,
    /// <summary>A .npz without the requested array.</summary>
    MissingArray,
}

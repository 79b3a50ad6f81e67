using System.IO.Compression;

namespace MechNN.IO.Npy;

/// <summary>
/// Reads and writes NumPy .npz archives: a zip of .npy images, one per array, named <c>NAME.npy</c>; entries stored
/// (<c>np.savez</c>) or deflated (<c>np.savez_compressed</c>). Errors are <see cref="NpyFormatException"/> naming the array.
/// </summary>
public static class NpzFile
{
    private const string Suffix = ".npy";

    /// <summary>Reads every array of <paramref name="path"/>.</summary>
    /// <param name="path">A .npz file.</param>
    /// <returns>The arrays by name (entry names without the .npy suffix), in archive order.</returns>
    /// <exception cref="NpyFormatException">Not a zip archive, or an entry that is not a readable .npy image.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static IReadOnlyDictionary<string, NpyArray> Read(string path)
    {
        using var archive = Open(path);
        var arrays = new Dictionary<string, NpyArray>(StringComparer.Ordinal);
        foreach (var entry in archive.Entries)
            if (!entry.FullName.EndsWith('/')) arrays[Name(entry)] = Read(path, entry);
        return arrays;
    }

    /// <summary>The names of the arrays in <paramref name="path"/>, without reading them.</summary>
    /// <param name="path">A .npz file.</param>
    /// <returns>Entry names without the .npy suffix.</returns>
    /// <exception cref="NpyFormatException">Not a zip archive.</exception>
    public static IReadOnlyList<string> Names(string path)
    {
        using var archive = Open(path);
        return archive.Entries.Where(e => !e.FullName.EndsWith('/')).Select(Name).ToList();
    }

    /// <summary>Reads one array of <paramref name="path"/>.</summary>
    /// <param name="path">A .npz file.</param>
    /// <param name="name">The array's name (as in <c>np.savez(path, name=…)</c>).</param>
    /// <returns>The array.</returns>
    /// <exception cref="NpyFormatException">Not a zip archive, no such array (<see cref="NpyProblem.MissingArray"/>, listing those present), or a malformed entry.</exception>
    public static NpyArray Read(string path, string name)
    {
        using var archive = Open(path);
        var entry = archive.GetEntry(name + Suffix) ?? archive.GetEntry(name);
        if (entry is null)
        {
            var present = archive.Entries.Select(Name).ToList();
            throw new NpyFormatException(path, name, NpyProblem.MissingArray,
                $"no such array (the archive holds {(present.Count == 0 ? "none" : string.Join(", ", present.Select(p => $"'{p}'")))})");
        }
        return Read(path, entry);
    }

    /// <summary>Writes <paramref name="arrays"/> as a .npz archive, atomically.</summary>
    /// <param name="path">The file to create or replace; missing folders are created.</param>
    /// <param name="arrays">Name → array, in the order they are to appear.</param>
    /// <param name="compressed">Deflate the entries (<c>np.savez_compressed</c>) instead of storing them (<c>np.savez</c>).</param>
    /// <exception cref="ArgumentException">An empty name or one with a path separator.</exception>
    /// <exception cref="IOException">The file cannot be written (nothing is left behind).</exception>
    public static void Write(string path, IEnumerable<KeyValuePair<string, NpyArray>> arrays, bool compressed = false)
    {
        var list = arrays.ToList();
        foreach (var (name, _) in list)
            if (name.Length == 0 || name.IndexOfAny(['/', '\\']) >= 0) throw new ArgumentException($"'{name}' cannot name an array in a .npz archive", nameof(arrays));
        AtomicFile.Write(path, stream =>
        {
            using var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            foreach (var (name, array) in list)
            {
                var entry = archive.CreateEntry(name + Suffix, compressed ? CompressionLevel.Optimal : CompressionLevel.NoCompression);
                using var entryStream = entry.Open();
                NpyFile.Write(entryStream, array);
            }
        });
    }

    private static ZipArchive Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: file not found", path);
        var stream = File.OpenRead(path);
        try
        {
            Span<byte> signature = stackalloc byte[4];
            if (stream.Read(signature) < 4 || signature[0] != 'P' || signature[1] != 'K')
                throw new NpyFormatException(path, null, NpyProblem.BadMagic, "not a NumPy .npz file (it is not a zip archive: no 'PK' signature)");
            stream.Position = 0;
            return new ZipArchive(stream, ZipArchiveMode.Read);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or ArgumentException or NotSupportedException)
        {
            stream.Dispose();
            throw new NpyFormatException(path, null, NpyProblem.BadArchive, $"not a readable zip archive ({ex.Message})");
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static NpyArray Read(string path, ZipArchiveEntry entry)
    {
        try
        {
            using var stream = entry.Open();
            return NpyFile.Read(stream, path, Name(entry), entry.Length);
        }
        // A bad deflate stream or CRC, an unknown compression method, a lying size: the entry is damaged.
        catch (Exception ex) when (ex is InvalidDataException or IOException or NotSupportedException or ArgumentException)
        {
            throw new NpyFormatException(path, Name(entry), NpyProblem.BadArchive, $"a damaged zip entry ({ex.Message})");
        }
    }

    private static string Name(ZipArchiveEntry entry) =>
        entry.FullName.EndsWith(Suffix, StringComparison.Ordinal) ? entry.FullName[..^Suffix.Length] : entry.FullName;
}

using PureHDF;

namespace MechNN.IO.Hdf5;

/// <summary>Writes flat HDF5 files (root-level datasets plus root attributes) atomically.</summary>
public static class Hdf5Writer
{
    /// <summary>
    /// Writes <paramref name="datasets"/> and <paramref name="attributes"/> to <paramref name="path"/>: first to a temporary
    /// file in the same folder, then renamed over the target, so a reader never sees a half-written file and a failure
    /// leaves nothing behind.
    /// </summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="datasets">Dataset name → array.</param>
    /// <param name="attributes">Root attribute name → value (string, int, long, double).</param>
    /// <exception cref="IOException">The folder cannot be written.</exception>
    public static void WriteAtomic(string path, IReadOnlyDictionary<string, Hdf5Array> datasets, IReadOnlyDictionary<string, object> attributes)
    {
        var full = Path.GetFullPath(path);
        var file = new H5File();
        foreach (var (name, array) in datasets)
            file[name] = new H5Dataset(array.Data, fileDims: array.Shape.Select(d => (ulong)d).ToArray());
        foreach (var (name, value) in attributes)
            file.Attributes[name] = value;

        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            file.Write(temp);
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>
    /// Checks, before any long work, that <paramref name="path"/> can be written: its folder exists and accepts a new file,
    /// and the path is not a folder. Creates and removes a probe file; leaves no trace.
    /// </summary>
    /// <param name="path">The output file the user named.</param>
    /// <exception cref="IOException">The path cannot be written, with the reason.</exception>
    public static void EnsureWritable(string path)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new IOException($"{path}: is a folder, not a file.");
        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder)) throw new IOException($"{path}: folder {folder} does not exist.");
        var probe = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.probe");
        try
        {
            File.WriteAllBytes(probe, []);
        }
        catch (UnauthorizedAccessException)
        {
            throw new IOException($"{path}: folder {folder} is not writable.");
        }
        finally
        {
            File.Delete(probe);
        }
        if (File.Exists(full) && new FileInfo(full).IsReadOnly) throw new IOException($"{path}: the file exists and is read-only.");
    }
}

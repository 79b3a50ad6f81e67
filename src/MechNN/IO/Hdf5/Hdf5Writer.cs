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

        AtomicFile.Write(full, stream => file.Write(stream));
    }
}

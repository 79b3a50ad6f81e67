namespace MechNN.IO.Hdf5;

/// <summary>An HDF5 (or MAT) file that cannot be used, with the file and, where it is about one, the dataset.</summary>
public sealed class Hdf5DataException(string file, string? dataset, string problem)
    : IOException($"{file}{(dataset is null ? "" : $", dataset '{dataset}'")}: {problem}")
{
    /// <summary>The file the problem is in.</summary>
    public string File { get; } = file;

    /// <summary>The dataset the problem is about, or null when it is about the whole file.</summary>
    public string? Dataset { get; } = dataset;
}

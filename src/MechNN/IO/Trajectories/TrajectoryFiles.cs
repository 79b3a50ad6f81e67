using MechNN.IO.Csv;
using MechNN.IO.Hdf5;
using MechNN.IO.Npy;

namespace MechNN.IO.Trajectories;

/// <summary>
/// The one place trajectories are read and written, the format chosen by the file's extension: <c>.csv</c> (a t column,
/// then the states), <c>.npy</c> (the states, (samples, states); times from a step), <c>.npz</c> (arrays <c>x</c> and
/// <c>t</c>, as <c>np.savez(path, t=t, x=x)</c> writes them) and <c>.h5</c>/<c>.hdf5</c> (datasets <c>x</c> and <c>t</c>,
/// as h5py writes them). Problems are one-line exceptions naming the file and array; writes are atomic.
/// </summary>
public static class TrajectoryFiles
{
    private const string States = "x";
    private static readonly string[] TimeNames = ["t", "time"];
    private const string NamesAttribute = "names";

    /// <summary>The extensions read and written.</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".csv", ".npy", ".npz", ".h5", ".hdf5"];

    private enum Format { Csv, Npy, Npz, Hdf5 }

    /// <summary>Checks that <paramref name="path"/> has one of <see cref="Extensions"/>, before any work is done.</summary>
    /// <param name="path">A trajectory file to read or write.</param>
    /// <exception cref="ArgumentException">Another extension (named, with the ones that work).</exception>
    public static void CheckFormat(string path) => FormatOf(path);

    /// <summary>Whether a file of this format records the sample times (a .npy holds only the states).</summary>
    /// <param name="path">A trajectory file name.</param>
    /// <returns>False for .npy.</returns>
    /// <exception cref="ArgumentException">An unknown extension.</exception>
    public static bool StoresTimes(string path) => FormatOf(path) != Format.Npy;

    /// <summary>Reads one trajectory.</summary>
    /// <param name="path">A .csv, .npy, .npz, .h5 or .hdf5 file.</param>
    /// <param name="options">Step for files without times, the states array of .npz/HDF5 files, fewest samples.</param>
    /// <returns>Names (from the CSV header or the HDF5 <c>names</c> attribute, else x0, x1, …), times and states.</returns>
    /// <exception cref="ArgumentException">An unknown extension, or <see cref="TrajectoryReadOptions.Dataset"/> given for a .csv or .npy.</exception>
    /// <exception cref="FormatException">A malformed file (<see cref="TrajectoryCsvException"/>, <see cref="NpyFormatException"/>) or arrays
    /// that are not a trajectory (<see cref="TrajectoryDataException"/>).</exception>
    /// <exception cref="IOException">A missing file, or an HDF5 file or dataset that cannot be read (<see cref="Hdf5DataException"/>).</exception>
    public static Trajectory Read(string path, TrajectoryReadOptions? options = null)
    {
        options ??= new TrajectoryReadOptions();
        var format = FormatOf(path);
        if (options.Dataset is not null && format is Format.Csv or Format.Npy)
            throw new ArgumentException($"{path}: --dataset names an array inside a .npz or HDF5 file; a {Path.GetExtension(path)} file holds one trajectory");
        if (options.Dt is <= 0 or double.NaN) throw new ArgumentException($"{path}: dt must be positive (got {options.Dt})");
        switch (format)
        {
            case Format.Csv:
                return TrajectoryCsv.Read(path, options.Dt, options.MinimumRows);
            case Format.Npy:
                var array = NpyFile.Read(path);
                return TrajectoryArrays.Build(path, null, array.ToDoubles(), array.Shape, null, options);
            case Format.Npz:
                var names = NpzFile.Names(path);
                var dataset = options.Dataset ?? States;
                var states = NpzFile.Read(path, dataset);
                var timeName = TimeNames.FirstOrDefault(names.Contains);
                var times = timeName is null ? null : NpzFile.Read(path, timeName);
                return TrajectoryArrays.Build(path, dataset, states.ToDoubles(), states.Shape,
                    times is null ? null : (timeName!, times.ToDoubles(), times.Shape), options);
            default:
                return ReadHdf5(path, options);
        }
    }

    /// <summary>Several files as trajectories of one system: their state names must match.</summary>
    /// <param name="paths">The files, each as <see cref="Read"/> takes it.</param>
    /// <param name="options">As for <see cref="Read"/>, applied to every file.</param>
    /// <returns>The trajectories in the order of <paramref name="paths"/>.</returns>
    /// <exception cref="FormatException">A file as for <see cref="Read"/>, or states that differ from the first file's.</exception>
    public static IReadOnlyList<Trajectory> ReadAll(IReadOnlyList<string> paths, TrajectoryReadOptions? options = null)
    {
        var all = paths.Select(p => Read(p, options)).ToList();
        for (int i = 1; i < all.Count; i++)
            if (!all[i].Names.SequenceEqual(all[0].Names))
                throw new FormatException($"{paths[i]}: states ({string.Join(", ", all[i].Names)}) differ from {paths[0]} ({string.Join(", ", all[0].Names)})");
        return all;
    }

    /// <summary>Writes a trajectory in the format of <paramref name="path"/>'s extension, atomically.</summary>
    /// <param name="path">A .csv, .npy (the states only: the times are lost), .npz (t and x) or .h5/.hdf5 file (t, x and a names attribute).</param>
    /// <param name="trajectory">Names, times and states.</param>
    /// <param name="cancel">Stops a long CSV write; its temp file is removed.</param>
    /// <exception cref="ArgumentException">An unknown extension, or a NaN or ±∞ value (named; nothing is written).</exception>
    /// <exception cref="IOException">The file cannot be written (nothing is left behind).</exception>
    /// <exception cref="OperationCanceledException">Cancelled; nothing is left behind.</exception>
    public static void Write(string path, Trajectory trajectory, CancellationToken cancel = default)
    {
        var format = FormatOf(path);
        if (format == Format.Csv)
        {
            TrajectoryCsv.Write(path, trajectory, cancel);
            return;
        }
        TrajectoryArrays.CheckFinite(path, trajectory);
        int samples = trajectory.Times.Length, width = trajectory.Names.Count;
        var flat = trajectory.States.SelectMany(s => s).ToArray();
        switch (format)
        {
            case Format.Npy:
                NpyFile.Write(path, new NpyArray(flat, samples, width));
                break;
            case Format.Npz:
                NpzFile.Write(path, new Dictionary<string, NpyArray>
                {
                    ["t"] = new(trajectory.Times.ToArray(), samples), [States] = new(flat, samples, width),
                });
                break;
            default:
                Hdf5Writer.WriteAtomic(path, new Dictionary<string, Hdf5Array>
                {
                    ["t"] = new(trajectory.Times.ToArray(), samples), [States] = new(flat, samples, width),
                }, new Dictionary<string, object> { [NamesAttribute] = string.Join(",", trajectory.Names) });
                break;
        }
    }

    private static Trajectory ReadHdf5(string path, TrajectoryReadOptions options)
    {
        using var file = Hdf5Reader.Open(path);
        var dataset = (options.Dataset ?? States).Trim('/');
        var states = file.ReadDoubles(dataset);
        var shape = file.Shape(dataset);
        // The times are the sibling t (or time) of the states, in the same group.
        var group = dataset.Contains('/') ? dataset[..(dataset.LastIndexOf('/') + 1)] : "";
        var timeName = TimeNames.Select(n => group + n).FirstOrDefault(ExistsIn(file));
        (string, double[], long[])? times = timeName is null ? null : (timeName, file.ReadDoubles(timeName), file.Shape(timeName));
        IReadOnlyList<string>? names = file.TryReadAttribute<string>(NamesAttribute, out var joined) ? joined.Split(',') : null;
        return TrajectoryArrays.Build(path, dataset, states, shape, times, options, names);
    }

    // A missing intermediate group makes PureHDF throw rather than answer false.
    private static Func<string, bool> ExistsIn(Hdf5Reader file) => name =>
    {
        try { return file.Exists(name); }
        catch (Exception ex) when (ex is not OutOfMemoryException) { return false; }
    };

    private static Format FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".csv" => Format.Csv,
        ".npy" => Format.Npy,
        ".npz" => Format.Npz,
        ".h5" or ".hdf5" => Format.Hdf5,
        var other => throw new ArgumentException(
            $"{path}: {(other.Length == 0 ? "no extension" : $"'{other}' is not a trajectory format")}; use {string.Join(", ", Extensions)}"),
    };
}

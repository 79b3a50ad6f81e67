namespace MechNN.IO.Trajectories;

/// <summary>How <see cref="TrajectoryFiles.Read"/> finds a trajectory in a file.</summary>
public sealed record TrajectoryReadOptions
{
    /// <summary>Uniform sample spacing, for files without times (a CSV without a t column, a .npy, arrays without a t beside them).</summary>
    public double? Dt { get; init; }

    /// <summary>
    /// For .npz and HDF5 files: the array of states, (samples, states) or (samples,); an HDF5 path may name a group
    /// (<c>runs/a/x</c>). The times are the array <c>t</c> (or <c>time</c>) beside it, when there is one. Default <c>x</c>.
    /// </summary>
    public string? Dataset { get; init; }

    /// <summary>Fewest samples accepted.</summary>
    public int MinimumRows { get; init; } = 3;
}

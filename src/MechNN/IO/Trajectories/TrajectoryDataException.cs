namespace MechNN.IO.Trajectories;

/// <summary>Arrays that do not make a trajectory: the file, the array at fault and the named problem.</summary>
public sealed class TrajectoryDataException(string file, string? array, TrajectoryProblem problem, string detail)
    : FormatException($"{file}{(array is null ? "" : $", array '{array}'")}: {detail}")
{
    /// <summary>The file at fault.</summary>
    public string File { get; } = file;

    /// <summary>The array (dataset) at fault, when one is.</summary>
    public string? Array { get; } = array;

    /// <summary>Which problem this is.</summary>
    public TrajectoryProblem Problem { get; } = problem;
}

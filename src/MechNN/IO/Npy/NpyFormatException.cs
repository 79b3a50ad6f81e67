namespace MechNN.IO.Npy;

/// <summary>A NumPy .npy/.npz file that cannot be read: the file, the array inside a .npz, and the named problem.</summary>
public sealed class NpyFormatException(string file, string? array, NpyProblem problem, string detail)
    : FormatException($"{file}{(array is null ? "" : $", array '{array}'")}: {detail}")
{
    /// <summary>The file at fault.</summary>
    public string File { get; } = file;

    /// <summary>The array (a .npz entry without its .npy suffix) at fault, when the file is a .npz.</summary>
    public string? Array { get; } = array;

    /// <summary>Which malformed case this is.</summary>
    public NpyProblem Problem { get; } = problem;
}

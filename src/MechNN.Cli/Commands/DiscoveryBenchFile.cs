using MechNN.Experiments.DiscoveryTasks;
using MechNN.IO;
using System.CommandLine;

namespace MechNN.Cli.Commands;

/// <summary>The settings of a `bench discovery` run: which rows it has (systems × noise × seeds × methods).</summary>
internal sealed record DiscoveryBenchSettings(IReadOnlyList<string> Systems, IReadOnlyList<double> Noise, int Seeds, IReadOnlyList<string> Methods)
{
    /// <summary>The first option whose value differs from <paramref name="other"/>'s, with both values; null when none does.</summary>
    public string? Difference(DiscoveryBenchSettings other) =>
        !Systems.SequenceEqual(other.Systems) ? $"--systems {string.Join(",", Systems)} (the file: {string.Join(",", other.Systems)})"
        : !Noise.SequenceEqual(other.Noise) ? $"--noise {string.Join(",", Noise.Select(v => v.ToString("R")))} (the file: {string.Join(",", other.Noise.Select(v => v.ToString("R")))})"
        : Seeds != other.Seeds ? $"--seeds {Seeds} (the file: {other.Seeds})"
        : !Methods.SequenceEqual(other.Methods) ? $"--methods {string.Join(",", Methods)} (the file: {string.Join(",", other.Methods)})"
        : null;
}

/// <summary>
/// The `bench discovery` result file, rewritten after every row so that a crash or Ctrl-C keeps the rows so far
/// (<c>complete: false</c> until the last); <c>--resume</c> reads it back.
/// </summary>
internal static class DiscoveryBenchFile
{
    // What a resume needs of the file; its summary and provenance are rebuilt.
    private sealed record Saved(bool? Complete, DiscoveryBenchSettings? Settings, List<SweepRow>? Rows);

    /// <summary>Writes the rows so far (and their summary); <paramref name="complete"/> only after the last row.</summary>
    public static void Write(ParseResult parse, string path, DiscoveryBenchSettings settings, IReadOnlyList<SweepRow> rows, bool complete)
    {
        var result = new { complete, settings, summary = DiscoverySweep.Summarise(rows), rows };
        if (complete) Outputs.WriteResult(parse, path, result);
        else Outputs.SaveResult(parse, path, result);
    }

    /// <summary>Whether partial writes can go to <paramref name="path"/>: not standard output, which must get one document.</summary>
    public static bool Rewritable(string path) => path is not (AtomicFile.StandardOutput or "/dev/stdout");

    /// <summary>The rows of an earlier run with the same settings, for --resume.</summary>
    /// <exception cref="ArgumentException">The file was written for other settings (the message names the option), or is standard output.</exception>
    /// <exception cref="FormatException">The file is not a `bench discovery` result.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static IReadOnlyList<SweepRow> Resume(string path, DiscoveryBenchSettings settings)
    {
        if (!Rewritable(path)) throw new ArgumentException("--resume needs an --out file, not standard output");
        var saved = ResultFile.Read<Saved>(path);
        if (saved.Settings is null || saved.Rows is null || saved.Complete is null)
            throw new FormatException($"{path}: not a `bench discovery` result (no settings, rows or complete marker); cannot --resume from it");
        if (settings.Difference(saved.Settings) is { } difference)
            throw new ArgumentException($"--resume: {path} was written for other settings: {difference}");
        return saved.Rows;
    }
}

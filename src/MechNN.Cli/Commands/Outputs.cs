using System.CommandLine;
using MechNN.IO;
using MechNN.IO.Csv;
using MechNN.IO.Trajectories;
using Spectre.Console;

namespace MechNN.Cli.Commands;

/// <summary>
/// Where commands write: only where the user said (--out, -o, --save, --plot…) or, for a result file, the current
/// directory; every path checked before any work starts; results through the one <see cref="ResultFile"/> writer.
/// </summary>
internal static class Outputs
{
    /// <summary>The result file: the one given, else <paramref name="defaultName"/> in the current directory.</summary>
    public static string Result(string? given, string defaultName) => given ?? defaultName;

    /// <summary>Fails with one line naming the option unless every given path could be written (see <see cref="AtomicFile.EnsureWritable"/>).</summary>
    public static void Check(params (string Option, string? Path)[] outputs)
    {
        foreach (var (option, path) in outputs)
        {
            if (path is null) continue;
            try { AtomicFile.EnsureWritable(path); }
            catch (IOException ex) { throw new IOException($"{option} {ex.Message}", ex); }
        }
    }

    /// <summary>A --plot file, refused before any work unless its extension names an image format (see <see cref="Rendering.PlotImage"/>).</summary>
    public static string? PlotFile(string? path)
    {
        if (path is not null) Rendering.PlotImage.FormatOf(path);
        return path;
    }

    /// <summary>Checks a trajectory output before any work: a known format (by extension) and a writable path.</summary>
    public static void CheckTrajectory(string option, string path)
    {
        try { TrajectoryFiles.CheckFormat(path); }
        catch (ArgumentException ex) { throw new ArgumentException($"{option} {ex.Message}", ex); }
        Check((option, path));
    }

    /// <summary>Writes a trajectory in the format of its extension and says so (<paramref name="message"/>, markup);
    /// for a .npy (states only) adds how to read it back.</summary>
    public static void WriteTrajectory(string path, Trajectory trajectory, string message)
    {
        // Ctrl-C during a long write stops it and removes the temp file (exit 130).
        using (CliCancellation.Enter(out var cancel)) TrajectoryFiles.Write(path, trajectory, cancel);
        if (path == MechNN.IO.AtomicFile.StandardOutput) return;                 // stdout holds the data only
        AnsiConsole.MarkupLine(message);
        if (!TrajectoryFiles.StoresTimes(path) && trajectory.Times.Length > 1)
            AnsiConsole.MarkupLine($"[grey]a .npy holds the states only: read it back with --dt {trajectory.Times[1] - trajectory.Times[0]:R}[/]");
    }

    /// <summary>The files a --plot prefix names, as a pattern for <see cref="Check"/> (and its message).</summary>
    public static string? PlotPrefix(string? prefix) => prefix is null ? null : prefix + "-*.png";

    /// <summary>The invocation as typed, rebuilt from the parsed tokens (not the process's arguments, which differ
    /// between `dotnet run`, the tool and in-process runs).</summary>
    public static string CommandLine(ParseResult parse) =>
        string.Join(' ', parse.Tokens.Select(t => t.Value).Prepend(Cli.Name).Select(Quote));

    /// <summary>Writes a result file with the provenance of this invocation and says where.</summary>
    public static void WriteResult(ParseResult parse, string path, object result)
    {
        SaveResult(parse, path, result);
        AnsiConsole.MarkupLine($"wrote [green]{Markup.Escape(path)}[/]");
    }

    /// <summary>Writes a result file with the provenance of this invocation, silently (a partial result rewritten while a
    /// progress display is live).</summary>
    public static void SaveResult(ParseResult parse, string path, object result) =>
        ResultFile.Write(path, Provenance.Capture(CommandLine(parse)), result);

    private static string Quote(string token) =>
        token.Length > 0 && token.All(c => char.IsLetterOrDigit(c) || "-_./:=,+@%".Contains(c)) ? token : "'" + token.Replace("'", "'\\''") + "'";
}

using System.CommandLine;
using MechNN.IO;
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

    /// <summary>The files a --plot prefix names, as a pattern for <see cref="Check"/> (and its message).</summary>
    public static string? PlotPrefix(string? prefix) => prefix is null ? null : prefix + "-*.png";

    /// <summary>The invocation as typed, rebuilt from the parsed tokens (not the process's arguments, which differ
    /// between `dotnet run`, the tool and in-process runs).</summary>
    public static string CommandLine(ParseResult parse) =>
        string.Join(' ', parse.Tokens.Select(t => t.Value).Prepend(Cli.Name).Select(Quote));

    /// <summary>Writes a result file with the provenance of this invocation and says where.</summary>
    public static void WriteResult(ParseResult parse, string path, object result)
    {
        ResultFile.Write(path, Provenance.Capture(CommandLine(parse)), result);
        AnsiConsole.MarkupLine($"wrote [green]{Markup.Escape(path)}[/]");
    }

    private static string Quote(string token) =>
        token.Length > 0 && token.All(c => char.IsLetterOrDigit(c) || "-_./:=,+@%".Contains(c)) ? token : "'" + token.Replace("'", "'\\''") + "'";
}

namespace MechNN.Cli.Commands;

/// <summary>
/// Writes a model a command spent its run training (--save, discover -o). The path was checked before the work
/// (<see cref="Outputs.Check"/>), but it can still fail at the end (disk full, permissions or folders changed during
/// the run): then the model goes to a fallback file, NAME.unsaved.EXT in the current folder or else the temp folder,
/// never overwriting a file, and the one-line error says where — a long run is not lost to its last write.
/// </summary>
internal static class SavedModel
{
    /// <summary>Test seam: runs just before the write, after every check (a test makes the path unwritable here).</summary>
    internal static Action<string>? BeforeWrite { get; set; }

    /// <summary>Writes through <paramref name="save"/> to <paramref name="path"/>, else to a fallback file.</summary>
    /// <param name="option">The option that named the path, for the message.</param>
    /// <param name="path">The file the user asked for.</param>
    /// <param name="save">Writes the model to the path it is given.</param>
    /// <exception cref="IOException">The path could not be written; the message names the fallback file, or says that
    /// none could be written either.</exception>
    public static void Write(string option, string path, Action<string> save)
    {
        BeforeWrite?.Invoke(path);
        try
        {
            save(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var (fallback, failure) = Rescue(path, save);
            throw new IOException(fallback is not null
                ? $"{option} {path} could not be written at the end of the run ({ex.Message}); the trained model was written to {fallback} instead"
                : $"{option} {path} could not be written at the end of the run ({ex.Message}), nor a fallback in the current or temp folder ({failure}): the trained model is lost", ex);
        }
    }

    private static (string? Path, string? Failure) Rescue(string path, Action<string> save)
    {
        string? failure = null;
        foreach (var folder in new[] { Environment.CurrentDirectory, Path.GetTempPath() })
        {
            try
            {
                var fallback = FreeName(folder, path);
                save(fallback);
                return (fallback, null);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { failure = ex.Message; }
        }
        return (null, failure);
    }

    /// <summary>NAME.unsaved.EXT in <paramref name="folder"/>, numbered past any file already there.</summary>
    private static string FreeName(string folder, string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        var extension = Path.GetExtension(path) is { Length: > 0 } e ? e : ".json";
        var candidate = Path.Combine(folder, $"{name}.unsaved{extension}");
        for (int n = 2; File.Exists(candidate) || Directory.Exists(candidate); n++)
            candidate = Path.Combine(folder, $"{name}.unsaved-{n}{extension}");
        return candidate;
    }
}

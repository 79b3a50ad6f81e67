using System.Text;

namespace MechNN.IO;

/// <summary>
/// Writes files so that they appear only when complete: the content goes to a temp file in the target's own folder (so
/// the final rename stays on one file system and is atomic), which is renamed over the target; on any failure the temp
/// file is removed and the target is left as it was.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes a file through <paramref name="write"/>, atomically.</summary>
    /// <param name="path">The file to create or replace; missing folders are created.</param>
    /// <param name="write">Writes the whole content to the stream it is given (a temp file beside the target).</param>
    /// <exception cref="IOException">The folder cannot be created or written, or the write failed.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder or the target is not writable.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            // Read-write: some writers (PureHDF) seek back and read what they wrote.
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Writes <paramref name="text"/> (UTF-8, no byte-order mark) to <paramref name="path"/>, atomically.</summary>
    /// <param name="path">The file to create or replace; missing folders are created.</param>
    /// <param name="text">The whole content.</param>
    /// <exception cref="IOException">The folder cannot be created or written, or the write failed.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder or the target is not writable.</exception>
    public static void WriteAllText(string path, string text) =>
        Write(path, stream => stream.Write(new UTF8Encoding(false).GetBytes(text)));

    /// <summary>
    /// Checks, before any work, that <paramref name="path"/> could be written: it is not a folder, its nearest existing
    /// ancestor is a folder (not a file) and a file can be created there. Creates nothing that outlives the check.
    /// </summary>
    /// <param name="path">The file a command will write later.</param>
    /// <exception cref="IOException">The path cannot be written; the message names the part that is in the way.</exception>
    public static void EnsureWritable(string path)
    {
        string full;
        try { full = Path.GetFullPath(path); }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new IOException($"'{path}' is not a valid path ({ex.Message})", ex);
        }
        if (Directory.Exists(full)) throw new IOException($"{path} is a folder; expected a file name");
        var folder = Path.GetDirectoryName(full);
        while (folder is not null && !Directory.Exists(folder))
        {
            if (File.Exists(folder)) throw new IOException($"{path}: {folder} is a file, not a folder");
            folder = Path.GetDirectoryName(folder);
        }
        if (folder is null) throw new IOException($"{path}: no existing folder above it");
        var probe = Path.Combine(folder, $".mechnn-write-check.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{path}: cannot write in {folder} ({ex.Message})", ex);
        }
        if (File.Exists(full) && new FileInfo(full).IsReadOnly) throw new IOException($"{path}: the file is read-only");
    }
}

using System.Text;

namespace MechNN.IO;

/// <summary>
/// Writes files so that they appear only when complete: the content goes to a temp file in the target's own folder (so
/// the final rename stays on one file system and is atomic), which is renamed over the target; on any failure or
/// cancellation the temp file is removed and the target is left as it was. A symbolic link is followed deliberately:
/// the file it points to is replaced (the link stays a link). What is not a regular file — <c>-</c> or
/// <c>/dev/stdout</c> (standard output), <c>/dev/null</c>, a pipe, a device — is written directly, never replaced by
/// a regular file. A read-only target is refused rather than replaced.
/// </summary>
public static class AtomicFile
{
    /// <summary>The path that means standard output.</summary>
    public const string StandardOutput = "-";

    /// <summary>How a path is written: directly to standard output, directly to a non-regular file, or atomically.</summary>
    internal enum TargetKind { StandardOutput, Direct, Atomic }

    /// <summary>How <paramref name="path"/> is written, and the file actually written (links followed to their final target).</summary>
    internal static (TargetKind Kind, string Path) Resolve(string path)
    {
        if (path is StandardOutput or "/dev/stdout") return (TargetKind.StandardOutput, path);
        var full = Path.GetFullPath(path);
        var info = new FileInfo(full);
        if (info.LinkTarget is not null)
        {
            // A dangling link is written through too: its target is created.
            var final = info.ResolveLinkTarget(returnFinalTarget: true);
            full = final is null ? full : Path.GetFullPath(final.FullName);
            info = new FileInfo(full);
        }
        // Only Linux reports the file type here (statx); elsewhere an existing target is treated as a regular file.
        bool special = info.Exists && OperatingSystem.IsLinux() && Runtime.Posix.Status(full) is { IsRegularFile: false, IsDirectory: false };
        return (special ? TargetKind.Direct : TargetKind.Atomic, full);
    }

    /// <summary>Writes a file through <paramref name="write"/>, atomically (see the class remarks for links and non-regular files).</summary>
    /// <param name="path">The file to create or replace; missing folders are created.</param>
    /// <param name="write">Writes the whole content to the stream it is given (a temp file beside the target).</param>
    /// <param name="cancel">Checked at every write to the stream: cancelling removes the temp file and leaves the target as it was.</param>
    /// <exception cref="IOException">The folder cannot be created or written, the target is read-only, or the write failed.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder or the target is not writable.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> was cancelled during the write.</exception>
    public static void Write(string path, Action<Stream> write, CancellationToken cancel = default)
    {
        var (kind, full) = Resolve(path);
        if (kind == TargetKind.StandardOutput)
        {
            using var stdout = Console.OpenStandardOutput();
            using var checkedOut = new CancellableStream(stdout, cancel);
            write(checkedOut);
            checkedOut.Flush();
            return;
        }
        if (kind == TargetKind.Direct)
        {
            using var direct = new FileStream(full, FileMode.Open, FileAccess.Write);
            using var checkedDirect = new CancellableStream(direct, cancel);
            write(checkedDirect);
            checkedDirect.Flush();
            return;
        }
        if (File.Exists(full) && new FileInfo(full).IsReadOnly)
            throw new IOException($"{path} is read-only: not replacing it (make it writable or choose another file)");
        var folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            // Read-write: some writers (PureHDF) seek back and read what they wrote.
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite))
            using (var checkedStream = new CancellableStream(stream, cancel))
            {
                write(checkedStream);
                cancel.ThrowIfCancellationRequested();
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
        if (path is StandardOutput or "/dev/stdout") return;
        try { if (Resolve(path).Kind == TargetKind.Direct) return; }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or IOException) { }
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

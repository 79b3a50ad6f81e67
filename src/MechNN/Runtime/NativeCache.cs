using System.Runtime.Versioning;
using System.Security.Cryptography;

namespace MechNN.Runtime;

/// <summary>
/// A per-user cache of native libraries MechNN generates (the patched TorchSharp shim). A cached file is content
/// addressed — it lives in a folder named after the SHA-256 of the bytes it must hold — and is checked against those
/// bytes before every use; a truncated, altered or planted copy is replaced atomically. Every folder of the cache must be
/// a real folder owned by the user and writable by no one else, so no other user can put code where it will be loaded.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class NativeCache
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OthersWrite = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    private readonly uint _userId;

    /// <summary>A cache in <paramref name="root"/> for the user <paramref name="userId"/> (tests pass a temp folder).</summary>
    public NativeCache(string root, uint userId)
    {
        Root = Path.GetFullPath(root);
        _userId = userId;
    }

    /// <summary>The cache folder: created on first use with mode 0700.</summary>
    public string Root { get; }

    /// <summary>
    /// The cache folders to try for the current user, best first: <c>$XDG_CACHE_HOME/mechnn</c>, <c>$HOME/.cache/mechnn</c>,
    /// and — for a user without a home — <c>/tmp/mechnn-UID</c>, which is checked like the others (never a shared folder).
    /// </summary>
    /// <param name="environment">Reads an environment variable (tests pass their own).</param>
    public static IEnumerable<NativeCache> ForCurrentUser(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        uint uid = Posix.EffectiveUserId();
        if (environment("XDG_CACHE_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg))
            yield return new NativeCache(Path.Combine(xdg, "mechnn"), uid);
        if (environment("HOME") is { Length: > 0 } home && Path.IsPathRooted(home))
            yield return new NativeCache(Path.Combine(home, ".cache", "mechnn"), uid);
        yield return new NativeCache(Path.Combine(Path.GetTempPath(), $"mechnn-{uid}"), uid);
    }

    /// <summary>
    /// The path of a cached file named <paramref name="fileName"/> holding exactly <paramref name="content"/>: the cached
    /// copy when it verifies, else a fresh one written atomically.
    /// </summary>
    /// <exception cref="NativeCacheException">A cache folder is owned by another user, writable by others, or a link.</exception>
    /// <exception cref="IOException">The cache cannot be created or written.</exception>
    /// <exception cref="UnauthorizedAccessException">The cache cannot be created or written.</exception>
    public string Provide(string fileName, byte[] content)
    {
        var hash = Convert.ToHexString(SHA256.HashData(content)).ToLowerInvariant();
        var folder = Path.Combine(Root, hash);
        EnsureSafeFolder(Root);
        EnsureSafeFolder(folder);
        var target = Path.Combine(folder, fileName);
        if (Holds(target, hash)) return target;
        // Wrong bytes (truncated, altered, a link): remove first, since the atomic writer will not replace a read-only file.
        if (Posix.Exists(target)) File.Delete(target);
        IO.AtomicFile.Write(target, stream => stream.Write(content));
        if (!Holds(target, hash)) throw new NativeCacheException($"{target} does not hold the bytes just written to it");
        return target;
    }

    /// <summary>True when <paramref name="path"/> is a regular file (not a link) whose SHA-256 is <paramref name="hash"/>.</summary>
    private static bool Holds(string path, string hash)
    {
        if (Posix.Status(path) is not { } status || !status.IsRegularFile) return false;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read);
        return Convert.ToHexString(SHA256.HashData(stream)).Equals(hash, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Creates <paramref name="folder"/> (mode 0700) if missing, then refuses it unless it is safe to load from.</summary>
    private void EnsureSafeFolder(string folder)
    {
        if (Posix.Status(folder) is null) Directory.CreateDirectory(folder, OwnerOnly);
        var status = Posix.Status(folder) ?? throw new NativeCacheException($"native-library cache {folder} vanished while being created");
        if (!status.IsDirectory)
            throw new NativeCacheException($"native-library cache {folder} is not a folder (a link or a file); remove it");
        if (status.Owner != _userId)
            throw new NativeCacheException($"native-library cache {folder} is owned by uid {status.Owner}, not by you (uid {_userId}); remove it or set XDG_CACHE_HOME");
        if ((status.Mode & OthersWrite) != 0)
            throw new NativeCacheException($"native-library cache {folder} is writable by other users (mode {Convert.ToString((int)status.Mode, 8)}); chmod 700 it");
    }
}

using System.Runtime.InteropServices;

namespace MechNN.Runtime;

/// <summary>The two POSIX facts .NET does not expose: the effective user and a file's owner (via statx, not following links).</summary>
internal static class Posix
{
    private const int AtFdCwd = -100, AtSymlinkNoFollow = 0x100;
    private const uint StatxBasicStats = 0x7ff;
    private const int FileTypeMask = 0xF000, TypeDirectory = 0x4000, TypeRegular = 0x8000;

    /// <summary>A file's owner and mode (permission bits) and type.</summary>
    public readonly record struct FileStatus(uint Owner, UnixFileMode Mode, int Type)
    {
        /// <summary>A real folder (not a link to one).</summary>
        public bool IsDirectory => Type == TypeDirectory;

        /// <summary>A regular file (not a link to one).</summary>
        public bool IsRegularFile => Type == TypeRegular;
    }

    /// <summary>The effective user id of this process.</summary>
    public static uint EffectiveUserId() => geteuid();

    /// <summary>True when something (even a dangling link) exists at <paramref name="path"/>.</summary>
    public static bool Exists(string path) => Status(path) is not null;

    /// <summary>The status of <paramref name="path"/> itself (a link is reported as a link); null when nothing is there.</summary>
    public static FileStatus? Status(string path)
    {
        // struct statx is the same on every Linux architecture: uid at byte 20, mode (u16) at byte 28; 256 bytes in all.
        Span<byte> buffer = stackalloc byte[256];
        if (statx(AtFdCwd, path, AtSymlinkNoFollow, StatxBasicStats, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno == 2 /* ENOENT */ || errno == 20 /* ENOTDIR */) return null;
            throw new IOException($"cannot inspect {path} (errno {errno})");
        }
        uint uid = BitConverter.ToUInt32(buffer[20..24]);
        int mode = BitConverter.ToUInt16(buffer[28..30]);
        return new FileStatus(uid, (UnixFileMode)(mode & 0xFFF), mode & FileTypeMask);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern uint geteuid();

    [DllImport("libc", SetLastError = true)]
    private static extern int statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, ref byte buffer);
}

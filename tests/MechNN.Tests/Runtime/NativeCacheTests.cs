using System.Security.Cryptography;
using MechNN.Runtime;

namespace MechNN.Tests.Runtime;

/// <summary>The native-library cache, in temp folders (never the real cache): verify, re-patch, refuse unsafe folders.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class NativeCacheTests : IDisposable
{
    private const UnixFileMode Rwx = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private static readonly byte[] Content = Enumerable.Range(0, 4096).Select(i => (byte)(i * 7)).ToArray();
    private static readonly string Hash = Convert.ToHexString(SHA256.HashData(Content)).ToLowerInvariant();

    private readonly string _dir = Directory.CreateTempSubdirectory("mechnn-native-cache-").FullName;
    private readonly uint _me = Posix.EffectiveUserId();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Root => Path.Combine(_dir, "cache");
    private string Expected => Path.Combine(Root, Hash, "lib.so");
    private NativeCache Cache(uint? user = null) => new(Root, user ?? _me);

    private void Plant(byte[] bytes)
    {
        Directory.CreateDirectory(Path.Combine(Root, Hash), Rwx);
        File.SetUnixFileMode(Root, Rwx);
        File.WriteAllBytes(Expected, bytes);
    }

    [Fact]
    public void A_fresh_cache_is_created_owner_only_and_holds_the_bytes_in_a_folder_named_by_their_hash()
    {
        var path = Cache().Provide("lib.so", Content);
        Assert.Equal(Expected, path);
        Assert.Equal(Content, File.ReadAllBytes(path));
        Assert.Equal(Rwx, File.GetUnixFileMode(Root));
        Assert.Equal(Rwx, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
        Assert.Equal(_me, Posix.Status(Root)!.Value.Owner);
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));   // no temp file left
    }

    [Fact]
    public void A_verified_copy_is_reused_not_rewritten()
    {
        var path = Cache().Provide("lib.so", Content);
        var written = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, written);
        Assert.Equal(path, Cache().Provide("lib.so", Content));
        Assert.Equal(written, File.GetLastWriteTimeUtc(path));
    }

    [Fact]
    public void A_planted_truncated_copy_is_replaced_by_the_full_bytes()
    {
        Plant(Content[..100]);
        Assert.Equal(Content, File.ReadAllBytes(Cache().Provide("lib.so", Content)));
    }

    [Fact]
    public void A_copy_with_the_right_length_but_other_bytes_is_replaced()
    {
        var altered = (byte[])Content.Clone();
        altered[2000] ^= 0xFF;
        Plant(altered);
        Assert.Equal(Content, File.ReadAllBytes(Cache().Provide("lib.so", Content)));
    }

    [Fact]
    public void A_read_only_wrong_copy_is_replaced_too()
    {
        Plant([1, 2, 3]);
        File.SetUnixFileMode(Expected, UnixFileMode.UserRead);
        Assert.Equal(Content, File.ReadAllBytes(Cache().Provide("lib.so", Content)));
    }

    [Fact]
    public void A_link_in_place_of_the_file_is_replaced_by_a_regular_file_and_its_target_left_alone()
    {
        var elsewhere = Path.Combine(_dir, "elsewhere.so");
        File.WriteAllBytes(elsewhere, Content);   // even the right bytes: a link is not loaded
        Directory.CreateDirectory(Path.Combine(Root, Hash), Rwx);
        File.SetUnixFileMode(Root, Rwx);
        File.CreateSymbolicLink(Expected, elsewhere);
        var path = Cache().Provide("lib.so", Content);
        Assert.Null(new FileInfo(path).LinkTarget);
        Assert.Equal(Content, File.ReadAllBytes(path));
        Assert.True(File.Exists(elsewhere));
    }

    [Theory]
    [InlineData(UnixFileMode.OtherWrite)]
    [InlineData(UnixFileMode.GroupWrite)]
    public void A_cache_folder_others_can_write_is_refused_by_name(UnixFileMode extra)
    {
        Directory.CreateDirectory(Root);
        File.SetUnixFileMode(Root, Rwx | extra | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var ex = Assert.Throws<NativeCacheException>(() => Cache().Provide("lib.so", Content));
        Assert.Contains($"{Root} is writable by other users", ex.Message);
        Assert.False(Directory.Exists(Path.Combine(Root, Hash)));
    }

    [Fact]
    public void An_unsafe_hash_folder_inside_a_safe_cache_is_refused_too()
    {
        Plant(Content);
        File.SetUnixFileMode(Path.Combine(Root, Hash), Rwx | UnixFileMode.OtherWrite);
        Assert.Throws<NativeCacheException>(() => Cache().Provide("lib.so", Content));
    }

    [Fact]
    public void A_cache_folder_owned_by_another_user_is_refused_by_name()
    {
        Directory.CreateDirectory(Root, Rwx);
        uint other = _me + 1;   // this folder is ours, so to a cache for the next uid it belongs to someone else
        var ex = Assert.Throws<NativeCacheException>(() => Cache(other).Provide("lib.so", Content));
        Assert.Contains($"{Root} is owned by uid {_me}, not by you (uid {other})", ex.Message);
    }

    [Fact]
    public void A_link_in_place_of_the_cache_folder_is_refused()
    {
        var real = Path.Combine(_dir, "real");
        Directory.CreateDirectory(real, Rwx);
        Directory.CreateSymbolicLink(Root, real);
        Assert.Contains("is not a folder", Assert.Throws<NativeCacheException>(() => Cache().Provide("lib.so", Content)).Message);
        Assert.Empty(Directory.GetFileSystemEntries(real));
    }

    [Fact]
    public void Without_home_the_cache_is_a_per_user_folder_under_tmp_never_a_shared_one()
    {
        var homeless = NativeCache.ForCurrentUser(_ => null).Select(c => c.Root);
        Assert.Equal(new[] { Path.Combine(Path.GetFullPath(Path.GetTempPath()), $"mechnn-{_me}") }, homeless);
        var env = new Dictionary<string, string> { ["XDG_CACHE_HOME"] = "/x/cache", ["HOME"] = "/h" };
        Assert.Equal(new[] { "/x/cache/mechnn", "/h/.cache/mechnn", Path.Combine(Path.GetFullPath(Path.GetTempPath()), $"mechnn-{_me}") },
            NativeCache.ForCurrentUser(env.GetValueOrDefault).Select(c => c.Root));
        // A relative XDG_CACHE_HOME is invalid by the XDG spec and ignored.
        Assert.Equal(2, NativeCache.ForCurrentUser(new Dictionary<string, string> { ["XDG_CACHE_HOME"] = "rel", ["HOME"] = "/h" }.GetValueOrDefault).Count());
    }

    [Fact]
    public void Status_reports_the_owner_and_type_without_following_links()
    {
        var file = Path.Combine(_dir, "f");
        File.WriteAllText(file, "");
        File.CreateSymbolicLink(Path.Combine(_dir, "link"), file);
        Assert.True(Posix.Status(file)!.Value.IsRegularFile);
        Assert.False(Posix.Status(Path.Combine(_dir, "link"))!.Value.IsRegularFile);
        Assert.True(Posix.Status(_dir)!.Value.IsDirectory);
        Assert.Equal(_me, Posix.Status(file)!.Value.Owner);
        Assert.Null(Posix.Status(Path.Combine(_dir, "missing")));
        Assert.Null(Posix.Status(Path.Combine(file, "under-a-file")));
    }
}

using MechNN.IO;

namespace MechNN.Tests.IO;

public sealed class AtomicFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mechnn-atomic-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    [Fact]
    public void Write_creates_missing_folders_replaces_the_target_and_leaves_no_temp_file()
    {
        var path = PathOf("a/b/out.txt");
        AtomicFile.WriteAllText(path, "first");
        AtomicFile.WriteAllText(path, "second");
        Assert.Equal("second", File.ReadAllText(path));
        Assert.Equal(new[] { "out.txt" }, Directory.GetFiles(PathOf("a/b")).Select(Path.GetFileName));
    }

    [Fact]
    public void A_failing_write_keeps_the_previous_file_and_removes_its_temp_file()
    {
        var path = PathOf("out.txt");
        AtomicFile.WriteAllText(path, "previous");
        var ex = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("half a fi"u8);
            throw new InvalidOperationException("the writer failed");
        }));
        Assert.Equal("the writer failed", ex.Message);
        Assert.Equal("previous", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public void The_temp_file_lives_in_the_target_folder_so_the_rename_is_atomic()
    {
        var path = PathOf("sub/out.bin");
        string[] during = [];
        AtomicFile.Write(path, stream => { stream.WriteByte(1); during = Directory.GetFiles(PathOf("sub")); });
        var temp = Assert.Single(during);
        Assert.EndsWith(".tmp", temp);
        Assert.Equal(PathOf("sub"), Path.GetDirectoryName(temp));
    }

    [Fact]
    public void EnsureWritable_accepts_a_new_file_in_a_folder_still_to_be_created_and_creates_nothing()
    {
        AtomicFile.EnsureWritable(PathOf("new/deeper/x.json"));
        Assert.Empty(Directory.GetFileSystemEntries(_dir));
    }

    [Fact]
    public void EnsureWritable_names_the_regular_file_that_is_in_the_way()
    {
        File.WriteAllText(PathOf("file.txt"), "");
        var ex = Assert.Throws<IOException>(() => AtomicFile.EnsureWritable(PathOf("file.txt/x.json")));
        Assert.Contains($"{PathOf("file.txt")} is a file, not a folder", ex.Message);
    }

    [Fact]
    public void EnsureWritable_refuses_a_folder_as_the_target()
    {
        var ex = Assert.Throws<IOException>(() => AtomicFile.EnsureWritable(_dir));
        Assert.Contains("is a folder", ex.Message);
    }

    [Fact]
    public void EnsureWritable_refuses_a_folder_without_write_permission()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        var locked = PathOf("locked");
        Directory.CreateDirectory(locked);
        File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            // root ignores permission bits: then the probe succeeds, and there is nothing to refuse.
            bool canWrite;
            try { File.WriteAllText(Path.Combine(locked, "probe"), ""); File.Delete(Path.Combine(locked, "probe")); canWrite = true; }
            catch (UnauthorizedAccessException) { canWrite = false; }
            if (canWrite) AtomicFile.EnsureWritable(Path.Combine(locked, "x.json"));
            else Assert.Contains("cannot write in", Assert.Throws<IOException>(() => AtomicFile.EnsureWritable(Path.Combine(locked, "x.json"))).Message);
        }
        finally { File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute); }
    }
}

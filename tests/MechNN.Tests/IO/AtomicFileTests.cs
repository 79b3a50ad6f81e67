using MechNN.IO;

namespace MechNN.Tests.IO;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
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

    [Fact]
    public void A_cancelled_write_removes_its_temp_file_and_keeps_the_previous_file()
    {
        var path = PathOf("big.csv");
        AtomicFile.WriteAllText(path, "previous");
        using var source = new CancellationTokenSource();
        Assert.Throws<OperationCanceledException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[1 << 16]);
            source.Cancel();                       // Ctrl-C in the middle of a long write
            stream.Write(new byte[1 << 16]);
        }, source.Token));
        Assert.Equal("previous", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public void A_cancelled_csv_write_leaves_nothing_behind()
    {
        using var source = new CancellationTokenSource();
        source.Cancel();
        var rows = Enumerable.Range(0, 10_000).Select(i => new double[] { i }).ToArray();
        Assert.Throws<OperationCanceledException>(() => MechNN.IO.Csv.TrajectoryCsv.Write(PathOf("sim.csv"),
            new MechNN.IO.Csv.Trajectory(new[] { "x" }, rows.Select(r => r[0]).ToArray(), rows), source.Token));
        Assert.Empty(Directory.GetFileSystemEntries(_dir));
    }

    [Fact]
    public void A_read_only_target_is_refused_by_name_and_left_as_it_was()
    {
        var path = PathOf("locked.json");
        File.WriteAllText(path, "keep");
        File.SetUnixFileMode(path, UnixFileMode.UserRead);
        var ex = Assert.Throws<IOException>(() => AtomicFile.WriteAllText(path, "new"));
        Assert.Equal($"{path} is read-only: not replacing it (make it writable or choose another file)", ex.Message);
        Assert.Equal("keep", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public void A_symbolic_link_is_written_through_to_its_target_and_stays_a_link()
    {
        var target = PathOf("real/out.txt");
        AtomicFile.WriteAllText(target, "old");
        var link = PathOf("link.txt");
        File.CreateSymbolicLink(link, target);
        AtomicFile.WriteAllText(link, "new");
        Assert.Equal(target, new FileInfo(link).LinkTarget);
        Assert.Equal("new", File.ReadAllText(target));
        Assert.Single(Directory.GetFiles(PathOf("real")));   // the temp file lived beside the target, and is gone
    }

    [Fact]
    public void Dev_null_is_written_directly_and_stays_a_device()
    {
        if (!OperatingSystem.IsLinux()) return;
        AtomicFile.EnsureWritable("/dev/null");
        AtomicFile.WriteAllText("/dev/null", "discarded");
        Assert.False(MechNN.Runtime.Posix.Status("/dev/null")!.Value.IsRegularFile);
        Assert.Equal(0, new FileInfo("/dev/null").Length);
    }

    [Fact]
    public void Dash_and_dev_stdout_mean_standard_output_and_other_non_regular_files_are_written_directly()
    {
        Assert.Equal(AtomicFile.TargetKind.StandardOutput, AtomicFile.Resolve("-").Kind);
        Assert.Equal(AtomicFile.TargetKind.StandardOutput, AtomicFile.Resolve("/dev/stdout").Kind);
        AtomicFile.EnsureWritable("-");
        if (OperatingSystem.IsLinux()) Assert.Equal((AtomicFile.TargetKind.Direct, "/dev/null"), AtomicFile.Resolve("/dev/null"));
        Assert.Equal((AtomicFile.TargetKind.Atomic, PathOf("new.csv")), AtomicFile.Resolve(PathOf("new.csv")));
    }
}

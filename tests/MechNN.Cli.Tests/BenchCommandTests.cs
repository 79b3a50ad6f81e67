using MechNN.IO;

namespace MechNN.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class BenchCommandTests : TempFolderTest
{
    private static readonly string[] Tiny = { "bench", "solver", "--config", "lorenz", "--methods", "fused-cpu", "--reps", "1" };

    [Fact]
    public void Unknown_config_is_bad_input_naming_the_known_ones()
    {
        var r = Mechnn.Run("bench", "solver", "--config", "nope");
        Assert.Equal(CliErrors.BadInput, r.ExitCode);
        Assert.Contains("unknown config 'nope'", r.Err);
        Assert.Contains("lorenz", r.Err);
    }

    [Fact]
    public void Unknown_method_is_bad_input_before_any_work()
    {
        var r = Mechnn.Run("bench", "solver", "--config", "lorenz", "--methods", "fused-cpu,warp-drive", "--out", In("x.json"));
        Assert.Equal(CliErrors.BadInput, r.ExitCode);
        Assert.Contains("--methods: unknown method 'warp-drive'", r.Err);
        Assert.False(File.Exists(In("x.json")));
    }

    [Fact]
    public void Solver_bench_writes_its_result_where_out_says_with_the_invocation_as_provenance()
    {
        var path = In("results/x.json");
        var r = Mechnn.Run([.. Tiny, "--out", path]);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("fused-cpu", r.Out);
        var provenance = ResultFile.ReadProvenance(path);
        Assert.Equal($"mechnn bench solver --config lorenz --methods fused-cpu --reps 1 --out {path}", provenance.Command);
        Assert.Equal(Environment.ProcessorCount, provenance.Cores);
        Assert.Contains("\"Method\": \"fused-cpu\"", File.ReadAllText(path));
    }

    [Fact]
    public void Solver_bench_without_out_writes_into_the_current_directory()
    {
        var r = Mechnn.RunIn(Dir, Tiny);
        Assert.Equal(0, r.ExitCode);
        Assert.True(File.Exists(In("bench-solver-cpu.json")), r.ToString());
        Assert.False(Directory.Exists(In("docs")));
    }

    [Theory]
    [InlineData(new[] { "sine", "--points", "51" }, "--points must be at least 52 (got 51): the MNN's learnable step starts at the grid step 50/(T−1), which must be below 1.")]
    [InlineData(new[] { "sine", "--points", "60", "--iterations", "0" }, "--iterations must be at least 1 (got 0).")]
    [InlineData(new[] { "solver", "--reps", "0" }, "--reps must be at least 1 (got 0).")]
    [InlineData(new[] { "solver", "--budget", "-1" }, "--budget must be a positive number of seconds (got -1).")]
    [InlineData(new[] { "solver", "--budget", "NaN" }, "--budget must be a positive number of seconds (got NaN).")]
    public void Bench_options_that_would_give_an_empty_or_failed_table_are_named_before_any_work(string[] args, string expected)
    {
        var r = Mechnn.RunIn(Dir, ["bench", .. args]);
        Assert.Equal(CliErrors.BadInput, r.ExitCode);
        Assert.Equal($"error: {expected}", r.Err.Trim());
        Assert.Empty(Directory.GetFileSystemEntries(Dir));
    }

    [Fact]
    public void Sine_bench_without_out_writes_into_the_current_directory()
    {
        var r = Mechnn.RunIn(Dir, "bench", "sine", "--points", "100", "--iterations", "2", "--skip-rk4");
        Assert.Equal(0, r.ExitCode);
        Assert.True(File.Exists(In("bench-sine-cpu.json")), r.ToString());
        Assert.StartsWith("mechnn bench sine --points 100", ResultFile.ReadProvenance(In("bench-sine-cpu.json")).Command);
    }

    [Fact]
    public void An_out_path_under_a_regular_file_fails_with_exit_2_before_any_work()
    {
        File.WriteAllText(In("file.txt"), "");
        var r = Mechnn.Run([.. Tiny, "--out", In("file.txt/x.json")]);
        Assert.Equal(CliErrors.BadInput, r.ExitCode);
        Assert.Contains("--out", r.Err);
        Assert.Contains("is a file, not a folder", r.Err);
        Assert.DoesNotContain("median ms", r.Out);   // no table: nothing was measured
    }

    [Fact]
    public void Discovery_bench_runs_a_small_sweep_and_names_an_unknown_method()
    {
        var r = Mechnn.Run("bench", "discovery", "--systems", "linear-sho", "--noise", "0", "--seeds", "1", "--methods", "SINDy FD,weak SINDy", "--out", In("d.json"));
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("weak SINDy", r.Out);
        Assert.True(File.Exists(In("d.json")));
        var bad = Mechnn.Run("bench", "discovery", "--methods", "lasso", "--out", In("e.json"));
        Assert.Equal(CliErrors.BadInput, bad.ExitCode);
        Assert.Contains("--methods: 'lasso' is not known", bad.Err);
        Assert.False(File.Exists(In("e.json")));
    }

    [Fact]
    public void Discovery_bench_rejects_a_negative_noise_level_before_any_work()
    {
        var r = Mechnn.Run("bench", "discovery", "--noise", "0,-0.1", "--out", In("d.json"));
        Assert.Equal(CliErrors.BadInput, r.ExitCode);
        Assert.Contains("--noise: -0.1 is negative", r.Err);
        Assert.False(File.Exists(In("d.json")));
    }
}

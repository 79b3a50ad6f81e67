using System.Text.Json.Nodes;
using MechNN.Cli.Commands;
using MechNN.Experiments.DiscoveryTasks;
using MechNN.IO;

namespace MechNN.Cli.Tests;

/// <summary>`bench discovery` keeps its rows: rewritten after each, stopped between rows, continued with --resume.</summary>
[Collection(CliCollection.Name)]
public sealed class DiscoveryBenchResumeTests : TempFolderTest
{
    // Four rows of deterministic methods: 1 system × 2 noise levels × 1 seed × 2 methods.
    private static readonly string[] Tiny = { "bench", "discovery", "--systems", "linear-sho", "--noise", "0,0.01", "--seeds", "1", "--methods", "SINDy FD,weak SINDy" };

    private sealed record Saved(bool Complete, List<SweepRow> Rows);

    private static Saved Read(string path) => ResultFile.Read<Saved>(path);

    // Timings differ between runs; everything else of a row is seeded.
    private static object[] WithoutTimes(IEnumerable<SweepRow> rows) => rows.Select(r => (object)(r with { Seconds = 0 })).ToArray();

    private CliResult RunStoppedAfterFirstRow(string path)
    {
        DiscoveryBenchCommand.RowSaved = n => { if (n == 1) CliCancellation.Stop(); };
        try { return Mechnn.Run([.. Tiny, "--out", path]); }
        finally { DiscoveryBenchCommand.RowSaved = null; }
    }

    [Fact]
    public void A_run_stopped_after_its_first_row_leaves_a_valid_partial_file_and_resume_completes_it_as_an_uninterrupted_run()
    {
        var stopped = RunStoppedAfterFirstRow(In("d.json"));
        Assert.Equal(CliErrors.Cancelled, stopped.ExitCode);
        Assert.Contains("stopped after 1 of 4 rows", stopped.Err);
        var partial = Read(In("d.json"));
        Assert.False(partial.Complete);
        var row = Assert.Single(partial.Rows);
        Assert.Equal(("linear-sho", 0.0, 0, "SINDy FD"), (row.System, row.Noise, row.Seed, row.Method));
        Assert.StartsWith("mechnn bench discovery", ResultFile.ReadProvenance(In("d.json")).Command);

        var resumed = Mechnn.Run([.. Tiny, "--out", In("d.json"), "--resume"]);
        Assert.Equal(0, resumed.ExitCode);
        Assert.Contains("1 of 4 rows kept", resumed.Out);
        var whole = Mechnn.Run([.. Tiny, "--out", In("whole.json")]);
        Assert.Equal(0, whole.ExitCode);

        var (done, reference) = (Read(In("d.json")), Read(In("whole.json")));
        Assert.True(done.Complete);
        Assert.True(reference.Complete);
        Assert.Equal(4, reference.Rows.Count);
        Assert.Equal(WithoutTimes(reference.Rows), WithoutTimes(done.Rows));
        Assert.Equal(row.Seconds, done.Rows[0].Seconds);             // the kept row was not rerun
        Assert.Equal(4, JsonNode.Parse(File.ReadAllText(In("d.json")))!["summary"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("--seeds", "2", "--seeds 2 (the file: 1)")]
    [InlineData("--noise", "0", "--noise 0 (the file: 0,0.01)")]
    [InlineData("--methods", "SINDy FD", "--methods SINDy FD (the file: SINDy FD,weak SINDy)")]
    public void Resume_refuses_a_file_of_other_settings_naming_the_setting_and_leaves_it(string option, string value, string expected)
    {
        RunStoppedAfterFirstRow(In("d.json"));
        var before = File.ReadAllText(In("d.json"));
        var args = Tiny.ToList();
        args[args.IndexOf(option) + 1] = value;
        var r = Mechnn.Run([.. args, "--out", In("d.json"), "--resume"]);
        Assert.Equal(CliErrors.BadInput, r.ExitCode);
        Assert.Equal($"error: --resume: {In("d.json")} was written for other settings: {expected}", r.Err.Trim());
        Assert.Equal(before, File.ReadAllText(In("d.json")));
    }

    [Fact]
    public void Resume_without_a_file_or_from_another_result_is_bad_input()
    {
        var missing = Mechnn.Run([.. Tiny, "--out", In("none.json"), "--resume"]);
        Assert.Equal(CliErrors.BadInput, missing.ExitCode);
        Assert.Contains("none.json: result file not found", missing.Err);
        Assert.Equal(0, Mechnn.Run("bench", "solver", "--config", "lorenz", "--methods", "fused-cpu", "--reps", "1", "--out", In("solver.json")).ExitCode);
        var other = Mechnn.Run([.. Tiny, "--out", In("solver.json"), "--resume"]);
        Assert.Equal(CliErrors.BadInput, other.ExitCode);
        Assert.Contains("not a `bench discovery` result", other.Err);
    }
}

using System.Text.Json;
using MechNN.Cli.Bench;
using MechNN.Cli.Commands;

namespace MechNN.Cli.Tests;

/// <summary>`bench solver --memory` on the CPU: the same child-process plumbing the CUDA measurement uses (start this
/// program again, parse its one line, name a failed child), with peak resident set as the figure.</summary>
[Collection(CliCollection.Name)]
public sealed class BenchMemoryTests : TempFolderTest
{
    private static readonly string[] Tiny = { "bench", "solver", "--config", "lorenz", "--methods", "fused-cpu,torch-sequential", "--reps", "1", "--memory" };

    [Fact]
    public void Memory_measures_each_method_in_a_child_and_reports_a_positive_peak_per_method()
    {
        var r = Mechnn.Run([.. Tiny, "--out", In("m.json")]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("peak MiB (child)", r.Out);
        using var json = JsonDocument.Parse(File.ReadAllText(In("m.json")));
        var results = json.RootElement.GetProperty("configs")[0].GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(2, results.Count);
        foreach (var m in results)
            Assert.True(m.GetProperty("peak_mib").GetDouble() > 0, m.ToString());
    }

    [Fact]
    public void Without_memory_the_peak_field_is_null_and_no_column_is_added()
    {
        var r = Mechnn.Run("bench", "solver", "--config", "lorenz", "--methods", "fused-cpu", "--reps", "1", "--out", In("m.json"));
        Assert.Equal(0, r.ExitCode);
        Assert.DoesNotContain("peak MiB (child)", r.Out);
        Assert.Contains("\"peak_mib\": null", File.ReadAllText(In("m.json")));
    }

    [Fact]
    public void A_child_that_fails_is_named_with_its_message_and_its_exit_code_becomes_the_parents()
    {
        var r = RunWithChild(a => a.Select(x => x == "lorenz" ? "nope" : x).ToArray());
        Assert.Equal(CliErrors.BadInput, r.ExitCode);
        Assert.StartsWith("error: --memory: the child measuring config 'lorenz', method 'torch-sequential' exited with code 2: error: unknown config 'nope'", r.Err.Trim());
        Assert.False(File.Exists(In("m.json")));
    }

    [Fact]
    public void A_child_that_succeeds_without_a_reading_is_named()
    {
        var r = RunWithChild(_ => ["--version"]);
        Assert.Equal(CliErrors.BadInput, r.ExitCode);
        Assert.Equal("error: --memory: the child measuring config 'lorenz', method 'torch-sequential' printed no 'mechnn-memory:' line", r.Err.Trim());
        Assert.False(File.Exists(In("m.json")));
    }

    /// <summary>Runs <see cref="Tiny"/> with the children's arguments rewritten, restoring them afterwards.</summary>
    private CliResult RunWithChild(Func<string[], string[]> rewrite)
    {
        BenchCommand.MemoryChildArguments = rewrite;
        try { return Mechnn.Run([.. Tiny, "--out", In("m.json")]); }
        finally { BenchCommand.MemoryChildArguments = a => a; }
    }

    [Fact]
    public void The_child_line_round_trips_and_other_output_is_no_reading()
    {
        var reading = new MemoryReading(612.25, 229.0000001);
        Assert.Equal(reading, MemoryProbe.Parse($"progress\n{MemoryProbe.Line(reading)}\n"));
        Assert.Null(MemoryProbe.Parse("mechnn 1.0\n"));
        Assert.Null(MemoryProbe.Parse("mechnn-memory: baseline_mib=1 peak_mib=lots\n"));
    }

    [Fact]
    public void The_child_mode_is_hidden_and_measures_exactly_one_method()
    {
        var help = Mechnn.Run("bench", "solver", "--help").Out;
        Assert.Contains("--memory", help);
        Assert.DoesNotContain("--memory-child", help);
        var r = Mechnn.Run("bench", "solver", "--config", "lorenz", "--methods", "fused-cpu,torch-sequential", "--memory-child");
        Assert.Equal(CliErrors.BadInput, r.ExitCode);
        Assert.Equal("error: --memory-child measures one --config and one --methods entry.", r.Err.Trim());
    }
}

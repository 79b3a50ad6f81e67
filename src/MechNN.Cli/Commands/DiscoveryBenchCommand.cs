using System.CommandLine;
using MechNN.Experiments.DiscoveryTasks;
using MechNN.Experiments.Systems;
using MechNN.Cli.Rendering;
using Spectre.Console;

namespace MechNN.Cli.Commands;

/// <summary>
/// `mechnn bench discovery`: catalogue systems × noise levels × seeds × methods (SINDy FD, SINDy smoothed, weak SINDy,
/// ensemble SINDy, MNN defaults) on the same data in one process; per cell the fraction of seeds with the exact
/// structure, the median worst relative coefficient error and the median seconds. A run takes minutes, so its file is
/// rewritten after every row and Ctrl-C stops between rows (see <see cref="DiscoveryBenchFile"/>); --resume continues it.
/// </summary>
internal static class DiscoveryBenchCommand
{
    /// <summary>Called after each row is saved with the count so far; in-process tests use it to stop a run mid-sweep.</summary>
    internal static Action<int>? RowSaved { get; set; }

    public static Command Create()
    {
        var noise = new Option<string>("--noise") { Description = "Noise levels, comma-separated (fractions of each state's std).", DefaultValueFactory = _ => "0,0.001,0.01,0.05,0.1,0.2" };
        var systems = new Option<string>("--systems") { Description = "Systems, comma-separated.", DefaultValueFactory = _ => string.Join(",", DiscoverySweep.Systems.Select(s => s.Name)) };
        var methods = new Option<string>("--methods") { Description = "Methods, comma-separated.", DefaultValueFactory = _ => string.Join(",", DiscoverySweep.Methods) };
        var seeds = new Option<int>("--seeds") { Description = "Noise seeds per level (0 … seeds−1).", DefaultValueFactory = _ => 5 };
        var output = new Option<string?>("--out") { Description = "JSON file (default ./bench-discovery.json), rewritten after every row (\"complete\": false until the last)." };
        var resume = new Option<bool>("--resume") { Description = "Continue the run in --out (same systems, noise, seeds, methods): keep its rows, run the rest." };
        var command = new Command("discovery", "Discovery sweep: systems × noise × seeds, SINDy variants vs MNN defaults (structure, coefficient error, time).")
            { noise, systems, methods, seeds, output, resume };
        command.SetAction(p => Run(p, Parse.Vector(p.GetValue(noise)!, "--noise"), p.GetValue(systems)!, p.GetValue(methods)!, p.GetValue(seeds), p.GetValue(output), p.GetValue(resume)));
        return command;
    }

    private static int Run(ParseResult parse, double[] levels, string systemList, string methodList, int seeds, string? output, bool resume)
    {
        LorenzDiscoveryBenchmark.Validate(levels);
        if (seeds < 1) throw new ArgumentException($"--seeds must be ≥ 1 (got {seeds})");
        var systems = systemList.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(DiscoverySweep.System).ToList();
        var methods = methodList.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
        foreach (var m in methods.Where(m => !DiscoverySweep.Methods.Contains(m)))
            throw new ArgumentException($"--methods: '{m}' is not known (expected {string.Join(", ", DiscoverySweep.Methods)})");
        var path = Outputs.Result(output, "bench-discovery.json");
        Outputs.Check(("--out", path));
        var settings = new DiscoveryBenchSettings(systems.Select(s => s.Name).ToList(), levels, seeds, methods);
        var held = (resume ? DiscoveryBenchFile.Resume(path, settings) : [])
            .ToDictionary(r => (r.System, r.Noise, r.Seed, r.Method));
        int total = systems.Count * levels.Length * seeds * methods.Count;
        var rows = new List<SweepRow>();
        using (CliCancellation.Enter(out var cancel))
            ProgressDisplay.Run(display =>
            {
                var line = display.Add("sweep", total);
                foreach (var system in systems)
                {
                    // Built only when a row of the system is still to run.
                    var data = new Lazy<(double[][] X, double[] T, double[][] Truth)>(() =>
                    {
                        var (clean, times) = DiscoverySweep.Clean(system);
                        return (clean, times, DiscoverySweep.Truth(system, clean));
                    });
                    foreach (var level in levels)
                        for (int seed = 0; seed < seeds; seed++)
                        {
                            var noisy = new Lazy<double[][]>(() => MeasurementNoise.Add(data.Value.X, level, seed));
                            foreach (var method in methods)
                            {
                                if (held.TryGetValue((system.Name, level, seed, method), out var kept))
                                {
                                    rows.Add(kept);
                                    line.Increment();
                                    continue;
                                }
                                line.Describe($"{system.Name}, noise {level:P1}, seed {seed}: {method}");
                                rows.Add(DiscoverySweep.Run(system, level, seed, method, noisy.Value, data.Value.T, data.Value.Truth));
                                line.Increment();
                                if (DiscoveryBenchFile.Rewritable(path)) DiscoveryBenchFile.Write(parse, path, settings, rows, complete: false);
                                RowSaved?.Invoke(rows.Count);
                                // Ctrl-C takes effect between rows: the file holds every finished one.
                                if (cancel.IsCancellationRequested && rows.Count < total)
                                    throw new OperationCanceledException($"stopped after {rows.Count} of {total} rows; {path} holds them (rerun with --resume to continue)");
                            }
                        }
                }
            });
        var summary = DiscoverySweep.Summarise(rows);
        var table = new Table().Title($"Discovery sweep ({seeds} seed(s); polynomial libraries; SINDy variants at each system's threshold, MNN with its defaults)")
            .AddColumns("system", "noise", "method", "structure exact", "median max relative error", "median seconds");
        foreach (var s in summary)
            table.AddRow(s.System, $"{s.Noise:P1}", Markup.Escape(s.Method), $"{s.ExactFraction:P0}",
                double.IsInfinity(s.MedianMaxRelativeError) ? "–" : s.MedianMaxRelativeError.ToString("P3"), s.MedianSeconds.ToString("F2"));
        AnsiConsole.Write(table);
        if (held.Count > 0) AnsiConsole.MarkupLine($"[grey]{held.Count} of {total} rows kept from {Markup.Escape(path)} (--resume)[/]");
        DiscoveryBenchFile.Write(parse, path, settings, rows, complete: true);
        return 0;
    }
}

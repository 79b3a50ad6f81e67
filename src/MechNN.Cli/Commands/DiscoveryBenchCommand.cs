using System.CommandLine;
using MechNN.Experiments.DiscoveryTasks;
using MechNN.Experiments.Systems;
using MechNN.Cli.Rendering;
using Spectre.Console;

namespace MechNN.Cli.Commands;

/// <summary>
/// `mechnn bench discovery`: Lorenz (σ 10, ρ 28, β 8/3; dt 0.01; 10,000 steps; x0 (1,1,1)) with Gaussian noise relative to
/// each state's std; MNN vs SINDy (raw and Savitzky–Golay smoothed differences), same data, same process.
/// </summary>
internal static class DiscoveryBenchCommand
{
    public static Command Create()
    {
        var noise = new Option<string>("--noise") { Description = "Noise levels, comma-separated (fractions of each state's std).", DefaultValueFactory = _ => "0,0.001,0.01,0.05" };
        var seed = new Option<long>("--seed") { DefaultValueFactory = _ => 0 };
        var output = new Option<string?>("--out") { Description = "JSON file (default ./bench-discovery-lorenz.json)." };
        var command = new Command("discovery", "Lorenz noise sweep: MNN vs SINDy (raw and smoothed), coefficient error and wrong/missing terms.") { noise, seed, output };
        command.SetAction(p => Run(p, Parse.Vector(p.GetValue(noise)!, "--noise"), p.GetValue(seed), p.GetValue(output)));
        return command;
    }

    private static int Run(ParseResult parse, double[] levels, long seed, string? output)
    {
        LorenzDiscoveryBenchmark.Validate(levels);
        var path = Outputs.Result(output, "bench-discovery-lorenz.json");
        Outputs.Check(("--out", path));
        var (clean, times) = LorenzDiscoveryBenchmark.Clean();
        var rows = new List<LorenzDiscoveryRow>();
        ProgressDisplay.Run(display =>
        {
            var line = display.Add("sweep", levels.Length * 3);
            foreach (var level in levels)
            {
                var x = MeasurementNoise.Add(clean, level, seed);
                foreach (var method in LorenzDiscoveryBenchmark.Methods)
                {
                    line.Describe($"noise {level:P1}: {method}");
                    rows.Add(LorenzDiscoveryBenchmark.Run(level, method, x, times, seed));
                    line.Increment();
                }
            }
        });
        var table = new Table().Title("Lorenz discovery under noise (10,000 steps, dt 0.01, degree-2 library, threshold 0.1)")
            .AddColumns("noise", "method", "true terms found (of 7)", "wrong terms", "missing terms", "max relative error of true terms", "seconds");
        foreach (var r in rows)
            table.AddRow($"{r.Noise:P1}", Markup.Escape(r.Method), r.Correct.ToString(), r.Wrong.ToString(), r.Missing.ToString(),
                double.IsNaN(r.MaxRelativeError) ? "–" : r.MaxRelativeError.ToString("P2"), r.Seconds.ToString("F1"));
        AnsiConsole.Write(table);
        Outputs.WriteResult(parse, path, new { rows });
        return 0;
    }
}

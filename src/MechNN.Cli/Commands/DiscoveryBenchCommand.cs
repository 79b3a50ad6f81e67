using System.CommandLine;
using System.Diagnostics;
using MechNN.Experiments.Systems;
using MechNN.Discovery;
using MechNN.Discovery.Libraries;
using MechNN.Discovery.Sindy;
using Spectre.Console;

namespace MechNN.Cli.Commands;

/// <summary>
/// `mechnn bench discovery`: Lorenz (σ 10, ρ 28, β 8/3; dt 0.01; 10,000 steps; x0 (1,1,1)) with Gaussian noise relative to
/// each state's std; MNN vs SINDy (raw and Savitzky–Golay smoothed differences), same data, same process.
/// </summary>
internal static class DiscoveryBenchCommand
{
    // Truth on the degree-2 library: 1, x0, x1, x2, x0², x0x1, x0x2, x1², x1x2, x2².
    private static readonly double[][] Truth =
    {
        new double[] { 0, -10, 10, 0, 0, 0, 0, 0, 0, 0 },
        new double[] { 0, 28, -1, 0, 0, 0, -1, 0, 0, 0 },
        new double[] { 0, 0, 0, -8.0 / 3, 0, 1, 0, 0, 0, 0 },
    };

    public static Command Create()
    {
        var noise = new Option<string>("--noise") { Description = "Noise levels, comma-separated (fractions of each state's std).", DefaultValueFactory = _ => "0,0.001,0.01,0.05" };
        var seed = new Option<long>("--seed") { DefaultValueFactory = _ => 0 };
        var output = new Option<string?>("--out") { Description = "JSON file (default docs/results/bench-discovery-lorenz.json)." };
        var command = new Command("discovery", "Lorenz noise sweep: MNN vs SINDy (raw and smoothed), coefficient error and wrong/missing terms.") { noise, seed, output };
        command.SetAction(p => Run(Parse.Vector(p.GetValue(noise)!, "--noise"), p.GetValue(seed), p.GetValue(output)));
        return command;
    }

    private sealed record Row(double Noise, string Method, int Correct, int Wrong, int Missing, double MaxRelativeError, double Seconds, IReadOnlyList<string> Equations);

    private static int Run(double[] levels, long seed, string? output)
    {
        var (clean, _) = new Lorenz().Trajectory(new[] { 1.0, 1, 1 }, 0.01, 10_000);
        var times = Enumerable.Range(0, clean.Length).Select(i => i * 0.01).ToArray();
        var names = new[] { "x0", "x1", "x2" };
        var rows = new List<Row>();
        AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn()).Start(ctx =>
        {
            var task = ctx.AddTask("sweep", maxValue: levels.Length * 3);
            foreach (var level in levels)
            {
                var x = MeasurementNoise.Add(clean, level, seed);
                foreach (var method in new[] { "SINDy (finite differences)", "SINDy (Savitzky–Golay 11/3)", "MNN" })
                {
                    task.Description = Markup.Escape($"noise {level:P1}: {method}");
                    var sw = Stopwatch.StartNew();
                    double[][] xi = method == "MNN"
                        ? new MechanisticDiscovery(new PolynomialLibrary(3, 2), new MechanisticDiscoveryOptions { Seed = seed, Stride = 5, Cycles = 3, EpochsPerCycle = 2, DenoiserWidth = 128 })
                            .Fit(x, 0.01, names).Coefficients!
                        : new SindyModel(new PolynomialLibrary(3, 2), new Stlsq(0.1),
                            method.Contains("Savitzky") ? new SmoothedFiniteDifference() : new FiniteDifference()).Fit(x, times, names).Coefficients!;
                    rows.Add(Score(level, method, xi, sw.Elapsed.TotalSeconds, names));
                    task.Increment(1);
                }
            }
        });
        var table = new Table().Title("Lorenz discovery under noise (10,000 steps, dt 0.01, degree-2 library, threshold 0.1)")
            .AddColumns("noise", "method", "true terms found (of 7)", "wrong terms", "missing terms", "max relative error of true terms", "seconds");
        foreach (var r in rows)
            table.AddRow($"{r.Noise:P1}", Markup.Escape(r.Method), r.Correct.ToString(), r.Wrong.ToString(), r.Missing.ToString(),
                double.IsNaN(r.MaxRelativeError) ? "–" : r.MaxRelativeError.ToString("P2"), r.Seconds.ToString("F1"));
        AnsiConsole.Write(table);
        BenchCommand.WriteJson(output ?? Path.Combine("docs", "results", "bench-discovery-lorenz.json"), new
        {
            command = "mechnn bench discovery " + string.Join(' ', Environment.GetCommandLineArgs().Skip(3)),
            date = DateTime.UtcNow.ToString("u"), cores = Environment.ProcessorCount, rows,
        });
        return 0;
    }

    private static Row Score(double noise, string method, double[][] xi, double seconds, string[] names)
    {
        int correct = 0, wrong = 0, missing = 0;
        double worst = 0;
        for (int d = 0; d < 3; d++)
            for (int f = 0; f < Truth[d].Length; f++)
            {
                bool truth = Truth[d][f] != 0, found = xi[d][f] != 0;
                if (truth && found) { correct++; worst = Math.Max(worst, Math.Abs(xi[d][f] - Truth[d][f]) / Math.Abs(Truth[d][f])); }
                else if (truth) missing++;
                else if (found) wrong++;
            }
        var model = new DiscoveredModel(method, new LibrarySpec("polynomial", 3, 2), names, xi);
        return new Row(noise, method, correct, wrong, missing, correct == 0 ? double.NaN : worst, seconds, model.Equations());
    }
}

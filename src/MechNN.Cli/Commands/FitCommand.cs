using System.CommandLine;
using MechNN.Data.Datasets;
using MechNN.Models.F16;
using Spectre.Console;

namespace MechNN.Cli.Commands;

/// <summary>`mechnn fit f16 PATH`: the F-16 ground-vibration task (paper §5.3), MNN vs SONODE, same budget, several seeds.</summary>
internal static class FitCommand
{
    public static Command Create()
    {
        var fit = new Command("fit", "System-identification tasks of the paper.");
        var path = new Argument<string>("path") { Description = "F16Data_FullMSine_Level1.csv (the benchmark's CSV)." };
        var iterations = new Option<int>("--iterations") { Description = "Adam iterations per model (lr 0.01).", DefaultValueFactory = _ => 200 };
        var seeds = new Option<int>("--seeds") { DefaultValueFactory = _ => 3 };
        var plot = new Option<string?>("--plot") { Description = "PNG of the seed-0 forecasts against the data." };
        var output = new Option<string?>("--out") { Description = "JSON file (default docs/results/fit-f16.json)." };
        var f16 = new Command("f16", "Acceleration2 driven by Acceleration1: train on samples 0–999, forecast to 4999.") { path, iterations, seeds, plot, output };
        f16.SetAction(p => Run(p.GetValue(path)!, p.GetValue(iterations), p.GetValue(seeds), p.GetValue(plot), p.GetValue(output)));
        fit.Subcommands.Add(f16);
        fit.Subcommands.Add(TwoBodyCommand.Create());
        return fit;
    }

    private static int Run(string path, int iterations, int seeds, string? plot, string? output)
    {
        if (iterations < 1 || seeds < 1) throw new ArgumentException("--iterations and --seeds must be at least 1.");
        var data = F16Vibrations.Load(path);
        var results = new List<VibrationResult>();
        AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn()).Start(ctx =>
        {
            for (long seed = 0; seed < seeds; seed++)
            {
                var sonodeTask = ctx.AddTask($"seed {seed}: SONODE", maxValue: iterations);
                var sonode = VibrationTrainer.Train(new SonodeVibrationModel(seed), data.Forcing, data.Target, seed, iterations: iterations,
                    progress: (i, l) => { sonodeTask.Value = i + 1; sonodeTask.Description = $"seed {seed}: SONODE, loss {l:E3}"; });
                var mnnTask = ctx.AddTask($"seed {seed}: MNN", maxValue: iterations);
                // How soon does the MNN reach the loss SONODE ends with?
                var mnn = VibrationTrainer.Train(new MnnVibrationModel(seed), data.Forcing, data.Target, seed, iterations: iterations,
                    reachLoss: sonode.LossHistory[^1], progress: (i, l) => { mnnTask.Value = i + 1; mnnTask.Description = $"seed {seed}: MNN, loss {l:E3}"; });
                results.Add(sonode);
                results.Add(mnn);
            }
        });
        var table = new Table().Title($"F-16 GVT: train on 1,000 samples, forecast 4,000 unseen; {iterations} Adam iterations (lr 0.01), {seeds} seeds (mean ± std)")
            .AddColumns("model", "train MSE", "test running RMSE (window 300)", "iterations to SONODE's final train loss", "seconds");
        foreach (var group in results.GroupBy(r => r.Model))
        {
            string Stat(Func<VibrationResult, double> f, string format)
            {
                var v = group.Select(f).ToArray();
                double mean = v.Average(), sd = Math.Sqrt(v.Select(x => (x - mean) * (x - mean)).Sum() / Math.Max(1, v.Length - 1));
                return $"{mean.ToString(format)} ± {sd.ToString(format)}";
            }
            var reach = group.Select(r => r.IterationsToReach).ToArray();
            table.AddRow(Markup.Escape(group.Key), Stat(r => r.TrainMse, "E3"), Stat(r => r.TestRunningRmse, "E3"),
                group.Key.StartsWith("SONODE") ? $"{iterations} (by definition)" : string.Join(", ", reach.Select(r => r < 0 ? "not reached" : r.ToString())),
                Stat(r => r.Seconds, "F1"));
        }
        AnsiConsole.Write(table);
        if (plot is not null)
        {
            var p = new ScottPlot.Plot();
            var t = Enumerable.Range(0, data.Target.Length).Select(i => (double)i).ToArray();
            p.Add.ScatterLine(t, data.Target).LegendText = "Acceleration2 (data)";
            foreach (var r in results.Where(r => r.Seed == 0)) p.Add.ScatterLine(t, r.Forecast).LegendText = r.Model;
            p.Add.VerticalLine(999).LegendText = "end of training data";
            p.Title("F-16: forecasts of seed 0");
            p.XLabel("sample");
            p.ShowLegend();
            Rendering.Png.Save(p, plot, 1400, 500);
            AnsiConsole.MarkupLine($"wrote [green]{Markup.Escape(plot)}[/]");
        }
        BenchCommand.WriteJson(output ?? Path.Combine("docs", "results", "fit-f16.json"), new
        {
            command = "mechnn fit f16 " + string.Join(' ', Environment.GetCommandLineArgs().Skip(3)),
            date = DateTime.UtcNow.ToString("u"), iterations, seeds,
            results = results.Select(r => new { r.Model, r.Seed, r.Iterations, r.TrainMse, r.TestRunningRmse, r.IterationsToReach, r.SecondsToReach, r.Seconds }),
        });
        return 0;
    }
}

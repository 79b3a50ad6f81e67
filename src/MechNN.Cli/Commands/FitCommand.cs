using System.CommandLine;
using MechNN.Experiments.F16;
using MechNN.IO.ModelFiles;
using MechNN.Cli.Rendering;
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
        var models = new Option<string>("--models")
        {
            Description = $"Comma-separated models, trained side by side per seed ({string.Join(", ", VibrationModels.Names)}); " +
                "SONODE's final loss is the level the others are timed to; --save keeps the first MNN model named.",
            DefaultValueFactory = _ => "sonode,network,linear",
        };
        var window = new Option<int>("--window") { Description = "network model: half-width k of the forcing window a1[t−k..t+k].", DefaultValueFactory = _ => NetworkVibrationModel.DefaultHalfWidth };
        var hidden = new Option<int>("--hidden") { Description = "network model: hidden width.", DefaultValueFactory = _ => NetworkVibrationModel.DefaultHidden };
        var plot = new Option<string?>("--plot") { Description = "Image (format by extension: .png, .jpg, .bmp, .webp) of the seed-0 forecasts against the data." };
        var output = new Option<string?>("--out") { Description = "JSON file (default ./fit-f16.json; with --load only if given)." };
        var files = new ModelFileOptions();
        var f16 = new Command("f16", "Acceleration2 driven by Acceleration1: train on samples 0–999, forecast to 4999.") { path, iterations, seeds, models, window, hidden, plot, output };
        files.AddTo(f16);
        var checkpoint = new CheckpointOptions();
        checkpoint.AddTo(f16);
        f16.SetAction(p =>
        {
            var (save, load) = files.Get(p);
            var create = (string name, long seed) => VibrationModels.Create(name, seed, p.GetValue(window), p.GetValue(hidden));
            return Run(p, p.GetValue(path)!, p.GetValue(iterations), p.GetValue(seeds), F16Plan.Parse(p.GetValue(models)!, saving: save is not null), create, p.GetValue(plot),
                p.GetValue(output), save, load, checkpoint.Get(p));
        });
        fit.Subcommands.Add(f16);
        fit.Subcommands.Add(TwoBodyCommand.Create());
        fit.Subcommands.Add(DarcyCommand.Create());
        fit.Subcommands.Add(NBodyCommand.Create());
        return fit;
    }

    private static int Run(ParseResult parse, string path, int iterations, int seeds, F16Plan plan, Func<string, long, IVibrationModel> create, string? plot,
        string? output, string? save, string? load, CheckpointOptions.Settings checkpoints)
    {
        if (iterations < 1 || seeds < 1) throw new ArgumentException("--iterations and --seeds must be at least 1.");
        var resultPath = load is null || output is not null ? Outputs.Result(output, "fit-f16.json") : null;
        Outputs.Check(("--out", resultPath), ("--save", save), ("--plot", Outputs.PlotFile(plot)));
        var data = F16Vibrations.Load(path);
        var results = new List<VibrationResult>();
        if (load is not null)
        {
            var loaded = VibrationModels.Load(load);
            results.Add(VibrationTrainer.Evaluate(loaded, data.Forcing, data.Target) with { Seed = 0 });
            AnsiConsole.Write(F16Table.Build($"F-16 GVT: {loaded.Name} loaded from {load}, evaluated on the same protocol (train MSE on samples 0–999, forecast 4,000 unseen)", results, 0));
        }
        else
        {
            using var section = CliCancellation.Enter(out var cancel);
            ProgressDisplay.Run(display =>
            {
                for (long seed = 0; seed < seeds; seed++)
                {
                    double? reach = null;
                    foreach (var name in plan.Models)
                    {
                        var model = create(name, seed);
                        var r = VibrationTrainer.Train(model, data.Forcing, data.Target, seed, checkpoints.Apply(VibrationTrainer.Protocol(iterations), $"seed{seed}-{name}"),
                            reachLoss: reach, progress: display.Add($"seed {seed}: {name}", iterations), cancellation: cancel);
                        if (name == F16Plan.Reference) reach = r.LossHistory[^1];
                        results.Add(r);
                        plan.Offer(name, model, r);
                    }
                }
            });
            AnsiConsole.Write(F16Table.Build($"F-16 GVT: train on 1,000 samples, forecast 4,000 unseen; {iterations} Adam iterations (lr 0.01), {seeds} seeds (mean ± std)",
                results, iterations));
            if (save is not null && plan.Best is not null)
            {
                SavedModel.Write("--save", save, plan.Best.Save);
                AnsiConsole.MarkupLine($"wrote [green]{Markup.Escape(save)}[/] (the {Markup.Escape(plan.Kept!)} model of the seed with the lowest train MSE, {plan.BestTrainMse:E3})");
            }
        }
        if (plot is not null) SavePlot(plot, data, results.Where(r => r.Seed == 0));
        if (resultPath is not null)
            Outputs.WriteResult(parse, resultPath, new
            {
                iterations = load is null ? iterations : 0, seeds, loaded = load,
                results = results.Select(r => new { r.Model, r.Seed, r.Iterations, r.TrainMse, r.TestRunningRmse, r.IterationsToReach, r.SecondsToReach, r.Seconds }),
            });
        return 0;
    }

    private static void SavePlot(string plot, F16Vibrations data, IEnumerable<VibrationResult> results)
    {
        var p = new ScottPlot.Plot();
        var t = Enumerable.Range(0, data.Target.Length).Select(i => (double)i).ToArray();
        p.Add.ScatterLine(t, data.Target).LegendText = "Acceleration2 (data)";
        foreach (var r in results) p.Add.ScatterLine(t, r.Forecast).LegendText = r.Model;
        p.Add.VerticalLine(999).LegendText = "end of training data";
        p.Title("F-16: forecasts of seed 0");
        p.XLabel("sample");
        p.ShowLegend();
        Rendering.PlotImage.Save(p, plot, 1400, 500);
        AnsiConsole.MarkupLine($"wrote [green]{Markup.Escape(plot)}[/]");
    }
}

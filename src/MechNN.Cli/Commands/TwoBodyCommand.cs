using System.CommandLine;
using MechNN.Experiments.Systems;
using MechNN.IO.ModelFiles;
using MechNN.Experiments.TwoBody;
using MechNN.Cli.Rendering;
using Spectre.Console;
using static TorchSharp.torch;

namespace MechNN.Cli.Commands;

/// <summary>`mechnn fit two-body`: paper §5.4, learn the mass ratio m₂/m₁ = 2 with the restricted MNN, forecast the orbit.</summary>
internal static class TwoBodyCommand
{
    public static Command Create()
    {
        var iterations = new Option<int>("--iterations") { DefaultValueFactory = _ => 600 };
        var steps = new Option<int>("--steps") { Description = "Training samples (dt 0.05).", DefaultValueFactory = _ => 2000 };
        var seed = new Option<long>("--seed") { Description = "Orbit (initial state) and network seed.", DefaultValueFactory = _ => 1 };
        var plot = new Option<string?>("--plot") { Description = "Image (format by extension: .png, .jpg, .bmp, .webp): true vs forecast orbits beyond the training data." };
        var output = new Option<string?>("--out") { Description = "JSON file (default ./fit-two-body.json; with --load only if given)." };
        var files = new ModelFileOptions();
        var command = new Command("two-body", "Masses 10 and 20, G = 2: learn c₂/c₁ per axis (truth 2) and forecast.") { iterations, steps, seed, plot, output };
        files.AddTo(command);
        var checkpoint = new CheckpointOptions();
        checkpoint.AddTo(command);
        command.SetAction(p =>
        {
            var (save, load) = files.Get(p);
            return Run(p, p.GetValue(iterations), p.GetValue(steps), p.GetValue(seed), p.GetValue(plot), p.GetValue(output), save, load, checkpoint.Get(p));
        });
        return command;
    }

    private static int Run(ParseResult parse, int iterations, int steps, long seed, string? plot, string? output, string? save, string? load,
        CheckpointOptions.Settings checkpoints)
    {
        if (iterations < 1) throw new ArgumentException("--iterations must be ≥ 1.");
        // The orbit (2·steps samples of 8 states) and the training windows (50 samples at stride 10: every sample five
        // times, 8 states and 4 target positions, beside the 8-state data tensor they are cut from).
        MemoryCheck.Require($"--steps {MemoryCheck.Count(steps)}", Samples.Bytes(2.0 * steps, 8, copies: 1) + 8.0 * (8 + 5 * 12) * steps,
            "the orbit and its training windows", "lower --steps");
        var resultPath = load is null || output is not null ? Outputs.Result(output, "fit-two-body.json") : null;
        Outputs.Check(("--out", resultPath), ("--save", save), ("--plot", Outputs.PlotFile(plot)));
        manual_seed(seed);
        var protocol = new TwoBodyProtocol(seed, steps);
        var training = protocol.Training;
        var model = load is null ? new MassRatioModel(protocol.Step) : MassRatioModel.Load(ModelFile.Load(load));
        var node = new NeuralOdeOrbitModel(protocol.Step);
        MassRatioResult? result = null;
        double nodeLoss = double.NaN, nodeSeconds = 0;
        // A loaded model is not trained: its ratios and its loss on the same windows; the Neural ODE baseline is not saved.
        if (load is not null) result = protocol.Evaluate(model);
        else
        {
            using var section = CliCancellation.Enter(out var cancel);
            ProgressDisplay.Run(display =>
            {
                var line = display.Add("MNN", iterations);
                line.Detail = () => { var (rx, ry) = MassRatioTrainer.Ratios(model); return $"c2/c1 x {rx:F4} y {ry:F4}"; };
                result = MassRatioTrainer.Train(model, training, checkpoints.Apply(MassRatioTrainer.Protocol(iterations), "mnn"), progress: line, cancellation: cancel);
                var sw = System.Diagnostics.Stopwatch.StartNew();
                nodeLoss = MassRatioTrainer.TrainWindows(node, training, checkpoints.Apply(MassRatioTrainer.Protocol(iterations), "node"),
                    progress: display.Add("Neural ODE", iterations), cancellation: cancel).FinalLoss;
                nodeSeconds = sw.Elapsed.TotalSeconds;
            });
        }
        if (save is not null)
        {
            SavedModel.Write("--save", save, model.Save);
            AnsiConsole.MarkupLine($"wrote [green]{Markup.Escape(save)}[/] (the restricted MNN)");
        }
        // Forecast the second half from the last training state with the learned dynamics.
        var mnn = protocol.Forecast(model);
        var baseline = load is null ? protocol.Forecast(node) : null;
        foreach (var f in new[] { mnn, baseline })
            if (f?.DivergedAt is { } t) AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(f.Model)}: the learned dynamics diverge at t = {t:G4} of the forecast[/]");
        var (forecast, rmse) = (mnn.States, mnn.Rmse);
        double nodeRmse = baseline?.Rmse ?? double.NaN;
        var c = model.C.data<double>().ToArray();
        var title = load is null ? $"2-body mass ratio (truth m₂/m₁ = 2; paper: 2.022), {steps} samples, {iterations} Adam steps"
            : $"2-body mass ratio (truth m₂/m₁ = 2; paper: 2.022), {steps} samples, MNN loaded from {load} (no training)";
        var table = new Table().Title(Markup.Escape(title))
            .AddColumns("axis", "c₁", "c₂", "c₂/c₁", "error");
        table.AddRow("x", c[0].ToString("F4"), c[2].ToString("F4"), result!.RatioX.ToString("F4"), (Math.Abs(result.RatioX - 2) / 2).ToString("P2"));
        table.AddRow("y", c[1].ToString("F4"), c[3].ToString("F4"), result.RatioY.ToString("F4"), (Math.Abs(result.RatioY - 2) / 2).ToString("P2"));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(load is null
            ? $"forecast of the next {steps} samples from the last training state, position RMS error: MNN {rmse:E3} ({result.Seconds:F1} s training), Neural ODE {nodeRmse:E3} (final loss {nodeLoss:E2}, {nodeSeconds:F1} s)"
            : $"forecast of the next {steps} samples from the last training state, position RMS error: MNN {rmse:E3}; loss on the training windows {result.FinalLoss:E2}");
        if (plot is not null && forecast.Length > 0)
        {
            Rendering.OrbitPlot.Save(plot, protocol.Truth, new[] { mnn, baseline }.OfType<TwoBodyForecast>());
            AnsiConsole.MarkupLine($"wrote [green]{Markup.Escape(plot)}[/]");
        }
        if (resultPath is not null)
            Outputs.WriteResult(parse, resultPath, new
            {
                iterations, steps, seed, c, ratioX = result.RatioX, ratioY = result.RatioY,
                finalLoss = result.FinalLoss, forecastRmse = rmse, seconds = result.Seconds,
                neuralOde = new { finalLoss = nodeLoss, forecastRmse = nodeRmse, seconds = nodeSeconds },
            });
        return 0;
    }
}

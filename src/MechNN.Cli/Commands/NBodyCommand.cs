using System.CommandLine;
using MechNN.Cli.Rendering;
using MechNN.Experiments.NBody;
using MechNN.IO.Trajectories;
using MechNN.IO.ModelFiles;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Cli.Commands;

/// <summary>`mechnn fit n-body DATA`: paper §5.5, MNN forecaster vs Neural ODE on the second half of an N-body trajectory.</summary>
internal static class NBodyCommand
{
    public static Command Create()
    {
        var data = new Argument<string>("data") { Description = "Trajectory CSV from `mechnn datagen n-body` (t, x0, y0, vx0, vy0, x1, …)." };
        var steps = new Option<int>("--steps") { Description = "Adam steps per model (the same mini-batches for both).", DefaultValueFactory = _ => 3200 };
        var batch = new Option<int>("--batch") { Description = "Windows per step.", DefaultValueFactory = _ => 30 };
        var rate = new Option<double>("--lr") { Description = "Adam learning rate.", DefaultValueFactory = _ => 1e-4 };
        var hidden = new Option<int>("--hidden") { Description = "MNN hidden width.", DefaultValueFactory = _ => 256 };
        var nodeHidden = new Option<int>("--node-hidden") { Description = "Neural ODE hidden width.", DefaultValueFactory = _ => 256 };
        var seed = new Option<long>("--seed") { Description = "First training seed.", DefaultValueFactory = _ => 0 };
        var seeds = new Option<int>("--seeds") { Description = "Seeds seed, seed+1, ….", DefaultValueFactory = _ => 1 };
        var mass = new Option<double>("--mass") { Description = "True law (the floor): mass of every body.", DefaultValueFactory = _ => 8 };
        var gravity = new Option<double>("--G") { Description = "True law: gravitational constant.", DefaultValueFactory = _ => 2 };
        var softening = new Option<double>("--softening") { Description = "True law: softening length.", DefaultValueFactory = _ => 0 };
        var validation = new Option<int>("--validation") { Description = "Hold out the last K windows of the training half (no training window overlaps them): their teacher-forced MSE is reported and decides which seed's MNN --save keeps. 0: none (--save then goes by the final training loss).", DefaultValueFactory = _ => 0 };
        var validateEvery = new Option<int>("--validate-every") { Description = "Steps between validations (a multiple of the report interval, 10).", DefaultValueFactory = _ => 10 };
        var models = new Option<string>("--models") { Description = "Models to train, comma-separated: mnn, node (one per device command when each needs its own wall-time budget).", DefaultValueFactory = _ => "mnn,node" };
        var device = new Option<string>("--device") { Description = "cpu or cuda", DefaultValueFactory = _ => "cpu" };
        var plot = new Option<string?>("--plot") { Description = "Image (format by extension: .png, .jpg, .bmp, .webp): true vs MNN vs Neural ODE orbits over the first 500 rollout steps (first seed)." };
        var output = new Option<string?>("--out") { Description = "Results JSON to write." };
        var files = new ModelFileOptions();
        var command = new Command("n-body", "Windows of 50 observed steps → the next 50: train on the first half, forecast the second; MNN vs Neural ODE vs the true law.")
            { data, steps, batch, rate, hidden, nodeHidden, seed, seeds, validation, validateEvery, models, mass, gravity, softening, device, plot, output };
        files.AddTo(command);
        var checkpoint = new CheckpointOptions();
        checkpoint.AddTo(command);
        command.SetAction(p =>
        {
            var (save, load) = files.Get(p);
            var chosen = p.GetValue(models)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (chosen.Length == 0 || chosen.Any(m => m is not ("mnn" or "node")))
                throw new ArgumentException($"--models takes mnn, node or mnn,node (got '{p.GetValue(models)}').");
            var split = new Validation(p.GetValue(validation), p.GetValue(validateEvery));
            if (split.Every < 1 || split.Every % ReportEvery != 0) throw new ArgumentException($"--validate-every must be a positive multiple of {ReportEvery} (got {split.Every}).");
            return Run(p, p.GetValue(data)!, p.GetValue(steps), p.GetValue(batch), p.GetValue(rate), p.GetValue(hidden), p.GetValue(nodeHidden), p.GetValue(seed),
                p.GetValue(seeds), split, chosen.Contains("mnn"), chosen.Contains("node"), new NBodySystemSpec(p.GetValue(mass), p.GetValue(gravity), p.GetValue(softening)), BenchCommand.ParseDevice(p.GetValue(device)!),
                p.GetValue(plot), p.GetValue(output), save, load, checkpoint.Get(p));
        });
        return command;
    }

    private sealed record NBodySystemSpec(double Mass, double Gravity, double Softening);

    /// <summary>Held-out windows and the steps between their evaluations.</summary>
    private sealed record Validation(int Windows, int Every);

    private static readonly int ReportEvery = NBodyForecast.Protocol(1, 0).ReportEvery;

    private static int Run(ParseResult parse, string path, int steps, int batch, double rate, int hidden, int nodeHidden, long seed, int seeds, Validation validation,
        bool trainMnn, bool trainNode, NBodySystemSpec law, Device device,
        string? plot, string? output, string? save, string? load, CheckpointOptions.Settings checkpoints)
    {
        if (steps < 1 || batch < 1 || seeds < 1) throw new ArgumentException("--steps, --batch and --seeds must be at least 1.");
        if (!(rate > 0)) throw new ArgumentException($"--lr must be positive (got {rate}).");
        Outputs.Check(("--out", output), ("--save", save), ("--plot", Outputs.PlotFile(plot)));
        var protocol = NBodyForecast.FromTrajectory(TrajectoryFiles.Read(path), device: device, validation: validation.Windows);
        var system = new NBodySystem(Enumerable.Repeat(law.Mass, protocol.Bodies).ToArray(), law.Gravity, law.Softening);
        var results = new List<NBodyForecastResult>();
        NBodyMnnForecaster? best = null;
        double bestScore = double.PositiveInfinity;
        if (load is not null)
        {
            var model = NBodyMnnForecaster.Load(ModelFile.Load(load));
            if (model.Bodies != protocol.Bodies) throw new ArgumentException($"--load: {load} forecasts {model.Bodies} bodies, {path} has {protocol.Bodies}.");
            model.to(device);
            results.Add(protocol.Evaluate(model, seed, null));
        }
        else
        {
            using var section = CliCancellation.Enter(out var cancel);
            ProgressDisplay.Run(display =>
            {
                for (long s = seed; s < seed + seeds; s++)
                {
                    var options = NBodyForecast.Protocol(steps, s) with { LearningRate = rate, ValidateEvery = validation.Every };
                    if (trainMnn)
                    {
                        manual_seed(s);
                        var mnn = new NBodyMnnForecaster(protocol.Bodies, protocol.Observed, protocol.PositionScale, protocol.Step, hidden);
                        mnn.to(device);
                        var run = protocol.Train(mnn, checkpoints.Apply(options, $"seed{s}-mnn"), batch, display.Add($"seed {s}: MNN", steps), cancel);
                        var r = protocol.Evaluate(mnn, s, run);
                        results.Add(r);
                        // Chosen on the held-out training windows (or the training loss), never on the evaluated second half.
                        double score = r.Validation ?? r.FinalLoss;
                        if (score < bestScore || best is null) { best = mnn; bestScore = score; }
                    }
                    if (!trainNode) continue;
                    manual_seed(s);
                    var node = new NBodyNeuralOde(protocol.Bodies, protocol.Observed, protocol.Step, protocol.PositionScale, protocol.VelocityScale, nodeHidden);
                    node.to(device);
                    var nodeRun = protocol.Train(node, checkpoints.Apply(options, $"seed{s}-node"), batch, display.Add($"seed {s}: Neural ODE", steps), cancel);
                    results.Add(protocol.Evaluate(node, s, nodeRun));
                }
            });
        }
        var floor = protocol.Evaluate(system);
        results.Add(floor);
        var horizons = protocol.Horizons();
        var title = load is null
            ? $"{protocol.Bodies}-body forecast, steps {protocol.TrainSteps}–{protocol.States.Length}: {steps} Adam steps (lr {rate:G3}, batch {batch}) per model, {seeds} seed(s)"
            : $"{protocol.Bodies}-body forecast, steps {protocol.TrainSteps}–{protocol.States.Length}: MNN loaded from {load} (no training)";
        var table = new Table().Title(Markup.Escape(title)).AddColumns(new[] { "model", "seed", "final loss", $"validation MSE ({validation.Windows} windows)", "teacher-forced MSE" }
            .Concat(horizons.Select(h => $"rollout MSE @{h}")).Append("train s").ToArray());
        foreach (var r in results)
            table.AddRow(new[] { r.Model, r.Model == "true law" ? "–" : r.Seed.ToString(), r.Model == "true law" ? "–" : Fmt(r.FinalLoss), r.Validation is { } v ? Fmt(v) : "–", Fmt(r.TeacherForcedMse) }
                .Concat(horizons.Select(h => Fmt(r.RolloutMse[h]))).Append(r.Seconds.ToString("F0")).Select(Markup.Escape).ToArray());
        AnsiConsole.Write(table);
        if (save is not null && best is not null)
        {
            SavedModel.Write("--save", save, best.Save);
            AnsiConsole.MarkupLine($"wrote [green]{Markup.Escape(save)}[/] (the MNN of the seed with the lowest {(validation.Windows > 0 ? "validation MSE" : "final training loss")})");
        }
        if (plot is not null) SavePlot(plot, protocol, results.Where(r => r.Seed == seed || r.Model == "true law").ToList());
        if (output is not null)
            Outputs.WriteResult(parse, output, new
            {
                data = path, bodies = protocol.Bodies, trainSteps = protocol.TrainSteps, samples = protocol.States.Length,
                steps = load is null ? steps : 0, batch, learningRate = rate, hidden, nodeHidden, seeds, loaded = load,
                validationWindows = validation.Windows, trainWindows = protocol.TrainWindows, validateEvery = validation.Every,
                results = results.Select(r => new
                {
                    r.Model, r.Seed, r.Steps, r.FinalLoss, r.Validation, r.TeacherForcedMse, r.Seconds,
                    rolloutMse = r.RolloutMse.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value),
                    validationHistory = r.ValidationHistory.Select(v => new { step = v.Step, mse = v.Value }),
                }),
            });
        return 0;
    }

    private static string Fmt(double v) => double.IsNaN(v) ? "diverged/–" : v.ToString("E3");

    private static void SavePlot(string path, NBodyForecast protocol, IReadOnlyList<NBodyForecastResult> results)
    {
        int horizon = Math.Min(500, protocol.States.Length - protocol.TrainSteps);
        var truth = protocol.States.Skip(protocol.TrainSteps).Take(horizon).ToArray();
        var p = new ScottPlot.Plot();
        var palette = new ScottPlot.Palettes.Category10();
        double limit = 3 * truth.SelectMany(s => s.Where((_, k) => k % 4 < 2)).Max(Math.Abs);
        for (int body = 0; body < protocol.Bodies; body++)
        {
            var colour = palette.GetColor(body);
            var t = p.Add.ScatterLine(truth.Select(s => s[4 * body]).ToArray(), truth.Select(s => s[4 * body + 1]).ToArray(), colour);
            t.LineWidth = 2;
            t.LegendText = body == 0 ? "truth (solid)" : "";
            foreach (var (name, pattern) in new[] { ("MNN", ScottPlot.LinePattern.Dashed), ("Neural ODE", ScottPlot.LinePattern.Dotted) })
            {
                var r = results.FirstOrDefault(x => x.Model == name);
                if (r is null) continue;
                // Points of a diverged forecast are cut where they leave the plotted region, so the true orbits stay readable.
                var rows = r.Rollout.Take(horizon).TakeWhile(s => Math.Abs(s[2 * body]) < limit && Math.Abs(s[2 * body + 1]) < limit).ToArray();
                if (rows.Length < 2) continue;
                var line = p.Add.ScatterLine(rows.Select(s => s[2 * body]).ToArray(), rows.Select(s => s[2 * body + 1]).ToArray(), colour);
                line.LinePattern = pattern;
                line.LegendText = body == 0 ? $"{name} rollout ({(name == "MNN" ? "dashed" : "dotted")})" : "";
            }
        }
        p.Title($"{protocol.Bodies} bodies: first {horizon} forecast steps after the training half (colour = body)");
        p.ShowLegend();
        p.Axes.SquareUnits();
        PlotImage.Save(p, path, 900, 800);
        AnsiConsole.MarkupLine($"wrote [green]{Markup.Escape(path)}[/]");
    }
}

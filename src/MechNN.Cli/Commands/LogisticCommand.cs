using System.CommandLine;
using MechNN.Cli.Rendering;
using MechNN.Experiments.DiscoveryTasks;
using Spectre.Console;
using static TorchSharp.torch;

namespace MechNN.Cli.Commands;

/// <summary>`mechnn discover logistic`: per-trajectory (p₀, p₁, p₂) of x' = p₀ + p₁x + p₂x² from noisy logistic trajectories, checked on a held-out 20%.</summary>
internal static class LogisticCommand
{
    public static Command Create()
    {
        var trajectories = new Option<int>("--trajectories") { DefaultValueFactory = _ => 5000 };
        var epochs = new Option<int>("--epochs") { DefaultValueFactory = _ => 150 };
        var batch = new Option<int>("--batch") { DefaultValueFactory = _ => 64 };
        var rate = new Option<double>("--lr") { Description = "Adam learning rate.", DefaultValueFactory = _ => 1e-3 };
        var hidden = new Option<int>("--hidden") { Description = "Hidden width of both networks.", DefaultValueFactory = _ => 256 };
        var seed = new Option<long>("--seed") { Description = "Data and training seed.", DefaultValueFactory = _ => 0 };
        var plot = new Option<string?>("--plot") { Description = "Image (format by extension: .png, .jpg, .bmp, .webp): learned p₁ vs r and p₂ vs −r/K on the held-out trajectories." };
        var output = new Option<string?>("--out") { Description = "Results JSON to write." };
        var command = new Command("logistic", "x' = r x − (r/K) x² with r, K drawn per trajectory: recover p₁ = r, p₂ = −r/K per held-out trajectory.")
            { trajectories, epochs, batch, rate, hidden, seed, plot, output };
        var checkpoint = new CheckpointOptions();
        checkpoint.AddTo(command);
        command.SetAction(p => Run(p, p.GetValue(trajectories), p.GetValue(epochs), p.GetValue(batch), p.GetValue(rate), p.GetValue(hidden), p.GetValue(seed),
            p.GetValue(plot), p.GetValue(output), checkpoint.Get(p)));
        return command;
    }

    private static int Run(ParseResult parse, int count, int epochs, int batch, double rate, int hidden, long seed, string? plot, string? output, CheckpointOptions.Settings checkpoints)
    {
        if (count < 10) throw new ArgumentException($"--trajectories must be at least 10 (got {count}).");
        if (epochs < 1 || batch < 1 || hidden < 1) throw new ArgumentException("--epochs, --batch and --hidden must be at least 1.");
        if (!(rate > 0)) throw new ArgumentException($"--lr must be positive (got {rate}).");
        Outputs.Check(("--out", output), ("--plot", Outputs.PlotFile(plot)));
        var data = LogisticGrowth.Generate(count, seed);
        manual_seed(seed);
        var model = new LogisticModel(data.Clean[0].Length, data.Step, hidden);
        var options = checkpoints.Apply(LogisticDiscovery.Protocol(epochs, LogisticDiscovery.TrainCount(data), batch, rate, seed), "logistic");
        Training.TrainingResult? run = null;
        using (CliCancellation.Enter(out var cancel))
            ProgressDisplay.Run(display => run = LogisticDiscovery.Train(model, data, options, batch, display.Add("logistic MNN", options.Steps), cancel));
        var e = LogisticDiscovery.Evaluate(model, data);
        var table = new Table().Title(Markup.Escape($"logistic growth: {count} trajectories (80/20), {epochs} epochs, batch {batch}, Adam {rate:G3}; held-out {e.Trajectories}"))
            .AddColumns("parameter", "truth", "median relative error", "correlation");
        table.AddRow("p₁", "r", e.MedianErrorP1.ToString("P2"), e.CorrelationP1.ToString("F4"));
        table.AddRow("p₂", "−r/K", e.MedianErrorP2.ToString("P2"), e.CorrelationP2.ToString("F4"));
        table.AddRow("p₀", "0", $"median |p₀| {e.MedianAbsP0:E2}, max {e.MaxAbsP0:E2}", "–");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"learned step {e.Step:F5} (sample spacing {data.Step:F5}); final loss {run!.FinalLoss:E3}, {run.Elapsed.TotalSeconds:F0} s");
        if (plot is not null)
        {
            var p = new ScottPlot.Plot();
            var r = p.Add.ScatterPoints(e.Truth.Select(t => t.R).ToArray(), e.Learned.Select(l => l[1]).ToArray());
            r.LegendText = "p₁ vs r";
            var k = p.Add.ScatterPoints(e.Truth.Select(t => t.MinusROverK).ToArray(), e.Learned.Select(l => l[2]).ToArray());
            k.LegendText = "p₂ vs −r/K";
            double lo = Math.Min(e.Truth.Min(t => t.MinusROverK), e.Learned.Min(l => l[2])), hi = Math.Max(e.Truth.Max(t => t.R), e.Learned.Max(l => l[1]));
            p.Add.Line(lo, lo, hi, hi).LegendText = "learned = truth";
            p.Title($"logistic growth: learned vs true parameters, {e.Trajectories} held-out trajectories");
            p.XLabel("truth");
            p.YLabel("learned");
            p.ShowLegend();
            PlotImage.Save(p, plot, 800, 700);
            AnsiConsole.MarkupLine($"wrote [green]{Markup.Escape(plot)}[/]");
        }
        if (output is not null)
            Outputs.WriteResult(parse, output, new
            {
                trajectories = count, epochs, batch, learningRate = rate, hidden, seed, steps = run.Steps, finalLoss = run.FinalLoss,
                seconds = run.Elapsed.TotalSeconds, heldOut = e.Trajectories, e.MedianErrorP1, e.MedianErrorP2, e.CorrelationP1, e.CorrelationP2, e.MedianAbsP0, e.MaxAbsP0,
                learnedStep = e.Step, sampleSpacing = data.Step,
            });
        return 0;
    }
}

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
        var rate = new Option<double>("--lr") { Description = "Adam's initial learning rate.", DefaultValueFactory = _ => 1e-3 };
        var rateFinal = new Option<double?>("--lr-final") { Description = "The last step's learning rate, reached on a half cosine from --lr (default: --lr × " + DefaultFinalFactor + ")." };
        var normalise = new Option<bool>("--normalise") { Description = "Divide each trajectory by its largest |x| before the networks see it (scale-equivariant; lost on validation: docs/results/logistic.md)." };
        var logFeatures = new Option<bool>("--log-features") { Description = "Give the parameter network ln max(x, 0.005) beside x.", DefaultValueFactory = _ => true };
        var validation = new Option<int>("--validation") { Description = "Keep the last N of the training 80% out of training and score them instead of the held-out 20%: make choices on these. 0: train on the whole 80%, score the held-out 20%.", DefaultValueFactory = _ => 0 };
        var refine = new Option<bool>("--refine") { Description = "Also score each trajectory's least-squares p through the model's own solve (v and the step held; no labels): the row \"refined\"." };
        var distill = new Option<double>("--distill") { Description = "Weight of a self-supervised term pulling the parameter network towards each training trajectory's own least-squares p through the solve (no labels). 0: off.", DefaultValueFactory = _ => DefaultDistill };
        var hidden = new Option<int>("--hidden") { Description = "Hidden width of both networks.", DefaultValueFactory = _ => 256 };
        var seed = new Option<long>("--seed") { Description = "Data and training seed.", DefaultValueFactory = _ => 0 };
        var plot = new Option<string?>("--plot") { Description = "Image (format by extension: .png, .jpg, .bmp, .webp): learned p₁ vs r and p₂ vs −r/K on the held-out trajectories." };
        var output = new Option<string?>("--out") { Description = "Results JSON to write." };
        var command = new Command("logistic", "x' = r x − (r/K) x² with r, K drawn per trajectory: recover p₁ = r, p₂ = −r/K per held-out trajectory.")
            { trajectories, epochs, batch, rate, rateFinal, validation, hidden, normalise, logFeatures, distill, refine, seed, plot, output };
        var checkpoint = new CheckpointOptions();
        checkpoint.AddTo(command);
        command.SetAction(p => Run(p, new Settings(p.GetValue(trajectories), p.GetValue(epochs), p.GetValue(batch), p.GetValue(rate),
            p.GetValue(rateFinal) ?? p.GetValue(rate) * DefaultFinalFactor, p.GetValue(validation), p.GetValue(hidden), p.GetValue(normalise), p.GetValue(logFeatures), p.GetValue(distill), p.GetValue(refine), p.GetValue(seed)), p.GetValue(plot), p.GetValue(output), checkpoint.Get(p)));
        return command;
    }

    /// <summary>The final learning rate over the initial one (chosen on a validation split: docs/results/logistic.md).</summary>
    private const double DefaultFinalFactor = 0.01;

    private sealed record Settings(int Count, int Epochs, int Batch, double Rate, double RateFinal, int Validation, int Hidden, bool Normalise, bool LogFeatures,
        double Distill, bool Refine, long Seed);

    /// <summary>The distillation weight (chosen on a validation split: docs/results/logistic.md).</summary>
    private const double DefaultDistill = 10;

    private static int Run(ParseResult parse, Settings o, string? plot, string? output, CheckpointOptions.Settings checkpoints)
    {
        if (o.Count < 10) throw new ArgumentException($"--trajectories must be at least 10 (got {o.Count}).");
        if (o.Epochs < 1 || o.Batch < 1 || o.Hidden < 1) throw new ArgumentException("--epochs, --batch and --hidden must be at least 1.");
        if (!(o.Rate > 0)) throw new ArgumentException($"--lr must be positive (got {o.Rate}).");
        if (!(o.RateFinal > 0 && o.RateFinal <= o.Rate)) throw new ArgumentException($"--lr-final must lie in (0, --lr] (got {o.RateFinal}).");
        if (!(o.Distill >= 0)) throw new ArgumentException($"--distill must be ≥ 0 (got {o.Distill}).");
        Outputs.Check(("--out", output), ("--plot", Outputs.PlotFile(plot)));
        var data = LogisticGrowth.Generate(o.Count, o.Seed);
        LogisticDiscovery.Scored(data, o.Validation);
        manual_seed(o.Seed);
        var model = new LogisticModel(data.Clean[0].Length, data.Step, o.Hidden, o.Normalise, o.LogFeatures);
        var options = checkpoints.Apply(LogisticDiscovery.Protocol(o.Epochs, LogisticDiscovery.TrainCount(data) - o.Validation, o.Batch, o.Rate, o.Seed, o.RateFinal / o.Rate), "logistic");
        Training.TrainingResult? run = null;
        using (CliCancellation.Enter(out var cancel))
            ProgressDisplay.Run(display => run = LogisticDiscovery.Train(model, data, options, o.Batch, o.Validation, o.Distill, display.Add("logistic MNN", options.Steps), cancel));
        var e = LogisticDiscovery.Evaluate(model, data, o.Validation);
        var refined = o.Refine ? LogisticDiscovery.Evaluate(model, data, o.Validation, refine: true) : null;
        string scored = o.Validation > 0 ? $"validation {e.Trajectories} (last of the training 80%)" : $"held-out {e.Trajectories}";
        var table = new Table().Title(Markup.Escape($"logistic growth: {o.Count} trajectories (80/20), {o.Epochs} epochs, batch {o.Batch}, Adam {o.Rate:G3} → {o.RateFinal:G3}; {scored}"))
            .AddColumns("parameter", "truth", "median relative error", "correlation");
        table.AddRow("p₁", "r", e.MedianErrorP1.ToString("P2"), e.CorrelationP1.ToString("F4"));
        table.AddRow("p₂", "−r/K", e.MedianErrorP2.ToString("P2"), e.CorrelationP2.ToString("F4"));
        table.AddRow("p₀", "0", $"median |p₀| {e.MedianAbsP0:E2}, max {e.MaxAbsP0:E2}", "–");
        if (refined is not null)
        {
            table.AddRow("p₁ refined", "r", refined.MedianErrorP1.ToString("P2"), refined.CorrelationP1.ToString("F4"));
            table.AddRow("p₂ refined", "−r/K", refined.MedianErrorP2.ToString("P2"), refined.CorrelationP2.ToString("F4"));
            table.AddRow("p₀ refined", "0", $"median |p₀| {refined.MedianAbsP0:E2}, max {refined.MaxAbsP0:E2}", "–");
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"learned step {e.Step:F5} (sample spacing {data.Step:F5}); final loss {run!.FinalLoss:E3}, {run.Elapsed.TotalSeconds:F0} s");
        // What the samples can tell at all (Cramér–Rao, closed form, x₀ unknown), then the worst-recovered trajectories with
        // what decides identifiability: how far each has grown by the last sample, and its own bound.
        var bounds = Enumerable.Range(e.First, e.Trajectories).Select(i => Bound(data, i)).ToArray();
        double worstBoundR = bounds.Max(b => b.R), worstBoundROverK = bounds.Max(b => b.ROverK);
        AnsiConsole.MarkupLine($"Cramér–Rao bound on the relative sd, largest over the scored set: r {worstBoundR:P2}, r/K {worstBoundROverK:P2}");
        var worst = Enumerable.Range(0, e.Trajectories).OrderByDescending(j => RelativeError(e, j, 1) + RelativeError(e, j, 2)).Take(5).ToArray();
        AnsiConsole.MarkupLine("worst recovered: " + string.Join("; ", worst.Select(j =>
        {
            int i = e.First + j;
            return $"#{i} x₀ {data.Clean[i][0]:E1} r {data.Rates[i]:F2} K {data.Capacities[i]:F2} x(3)/K {data.Clean[i][^1] / data.Capacities[i]:F2}: " +
                $"errors {RelativeError(e, j, 1):P1}, {RelativeError(e, j, 2):P1} (bounds {bounds[j].R:P2}, {bounds[j].ROverK:P2})";
        })));
        if (plot is not null)
        {
            var p = new ScottPlot.Plot();
            var r = p.Add.ScatterPoints(e.Truth.Select(t => t.R).ToArray(), e.Learned.Select(l => l[1]).ToArray());
            r.LegendText = "p₁ vs r";
            var k = p.Add.ScatterPoints(e.Truth.Select(t => t.MinusROverK).ToArray(), e.Learned.Select(l => l[2]).ToArray());
            k.LegendText = "p₂ vs −r/K";
            double lo = Math.Min(e.Truth.Min(t => t.MinusROverK), e.Learned.Min(l => l[2])), hi = Math.Max(e.Truth.Max(t => t.R), e.Learned.Max(l => l[1]));
            p.Add.Line(lo, lo, hi, hi).LegendText = "learned = truth";
            p.Title($"logistic growth: learned vs true parameters, {scored} trajectories");
            p.XLabel("truth");
            p.YLabel("learned");
            p.ShowLegend();
            PlotImage.Save(p, plot, 800, 700);
            AnsiConsole.MarkupLine($"wrote [green]{Markup.Escape(plot)}[/]");
        }
        if (output is not null)
            Outputs.WriteResult(parse, output, new
            {
                trajectories = o.Count, epochs = o.Epochs, batch = o.Batch, learningRate = o.Rate, learningRateFinal = o.RateFinal, hidden = o.Hidden,
                normalise = o.Normalise, logFeatures = o.LogFeatures, distill = o.Distill, refine = o.Refine, seed = o.Seed, steps = run.Steps, finalLoss = run.FinalLoss,
                seconds = run.Elapsed.TotalSeconds, scored = o.Validation > 0 ? "validation" : "held-out", validation = o.Validation, scoredTrajectories = e.Trajectories,
                e.MedianErrorP1, e.MedianErrorP2, e.CorrelationP1, e.CorrelationP2, e.MedianAbsP0, e.MaxAbsP0, learnedStep = e.Step, sampleSpacing = data.Step,
                cramerRaoLargestRelativeSdR = worstBoundR, cramerRaoLargestRelativeSdROverK = worstBoundROverK,
                refined = refined is null ? null : new
                {
                    refined.MedianErrorP1, refined.MedianErrorP2, refined.CorrelationP1, refined.CorrelationP2, refined.MedianAbsP0, refined.MaxAbsP0,
                },
            });
        return 0;
    }

    /// <summary>Cramér–Rao bounds on trajectory <paramref name="i"/>'s r and r/K, relative to their true values.</summary>
    private static (double R, double ROverK) Bound(LogisticGrowth data, int i)
    {
        double r = data.Rates[i], k = data.Capacities[i];
        var b = LogisticGrowth.CramerRaoBounds(r, k, data.Clean[i][0], data.Step, data.Clean[i].Length, data.Noise);
        return (b.R / r, b.ROverK / (r / k));
    }

    private static double RelativeError(LogisticEvaluation e, int j, int k) =>
        Math.Abs(e.Learned[j][k] - (k == 1 ? e.Truth[j].R : e.Truth[j].MinusROverK)) / Math.Abs(k == 1 ? e.Truth[j].R : e.Truth[j].MinusROverK);
}

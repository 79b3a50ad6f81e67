using System.CommandLine;
using MechNN.Experiments.Circles;
using MechNN.IO.ModelFiles;
using MechNN.Cli.Rendering;
using Spectre.Console;
using static TorchSharp.torch;

namespace MechNN.Cli.Commands;

/// <summary>`mechnn classify circles`: nested circles (paper §5.2), MNN vs Neural ODE vs Augmented Neural ODE in one run.</summary>
internal static class ClassifyCommand
{
    public static Command Create()
    {
        var classify = new Command("classify", "Classification tasks of the paper.");
        var train = new Option<int>("--train") { Description = "Training points.", DefaultValueFactory = _ => 1000 };
        var test = new Option<int>("--test") { Description = "Test points.", DefaultValueFactory = _ => 1000 };
        var epochs = new Option<int>("--epochs") { Description = "Full-batch Adam steps per model.", DefaultValueFactory = _ => 300 };
        var seed = new Option<long>("--seed") { DefaultValueFactory = _ => 0 };
        var plot = new Option<string?>("--plot") { Description = "Path prefix for decision-region PNGs (one per model)." };
        var output = new Option<string?>("--out") { Description = "JSON file (default ./classify-circles.json; with --load only if given)." };
        var files = new ModelFileOptions();
        var circles = new Command("circles", "Nested circles: inner disc (r ≤ 0.5) vs shell (1 ≤ r ≤ 1.5).") { train, test, epochs, seed, plot, output };
        files.AddTo(circles);
        var checkpoint = new CheckpointOptions();
        checkpoint.AddTo(circles);
        circles.SetAction(p =>
        {
            var (save, load) = files.Get(p);
            return Run(p, p.GetValue(train), p.GetValue(test), p.GetValue(epochs), p.GetValue(seed), p.GetValue(plot), p.GetValue(output), save, load, checkpoint.Get(p));
        });
        classify.Subcommands.Add(circles);
        return classify;
    }

    private static int Run(ParseResult parse, int trainCount, int testCount, int epochs, long seed, string? plotPrefix, string? output, string? save, string? load,
        CheckpointOptions.Settings checkpoints)
    {
        if (trainCount < 10 || testCount < 10) throw new ArgumentException("--train and --test need at least 10 points.");
        if (epochs < 1) throw new ArgumentException("--epochs must be at least 1.");
        // Each point costs about 16 float64 while generated; a training point also holds the MNN's activations for the
        // full-batch backward pass (two 64-wide hidden layers before and after tanh, 2 dims × 10 steps × 4 outputs).
        MemoryCheck.Require($"--train {MemoryCheck.Count(trainCount)} --test {MemoryCheck.Count(testCount)}",
            8.0 * (16 * ((double)trainCount + testCount) + (4 * 64 + 2 * 10 * 4) * (double)trainCount),
            "the points and one full-batch training step's activations", "lower --train (or --test)");
        // A --load run must not overwrite the recorded results unless asked to.
        var resultPath = load is null || output is not null ? Outputs.Result(output, "classify-circles.json") : null;
        Outputs.Check(("--out", resultPath), ("--save", save), ("--plot", Outputs.PlotPrefix(plotPrefix)));
        var (xTrain, yTrain) = NestedCircles.Generate(trainCount, seed);
        var (xTest, yTest) = NestedCircles.Generate(testCount, seed + 1);
        manual_seed(seed);
        var results = new List<CircleResult>();
        CircleClassifier[] models;
        string[] names;
        if (load is not null)
        {
            // The loaded MNN alone, on the data the seed generates: the baselines are not saved.
            models = new CircleClassifier[] { MnnCircleClassifier.Load(ModelFile.Load(load)) };
            names = new[] { "mnn" };
            results.Add(CircleTrainer.Evaluate(models[0], xTrain, yTrain, xTest, yTest));
        }
        else
        {
            models = new CircleClassifier[] { new MnnCircleClassifier(), new NeuralOdeClassifier(), new NeuralOdeClassifier(augment: 1) };
            names = new[] { "mnn", "node", "anode" };
            Train(models, names, xTrain, yTrain, xTest, yTest, epochs, checkpoints, results);
            if (save is not null)
            {
                SavedModel.Write("--save", save, ((MnnCircleClassifier)models[0]).Save);
                AnsiConsole.MarkupLine($"wrote [green]{Markup.Escape(save)}[/] (the MNN classifier)");
            }
        }
        var title = load is null ? $"Nested circles, {trainCount} train / {testCount} test points, {epochs} full-batch Adam steps (lr 1e-2), MSE to ±1"
            : $"Nested circles, {trainCount} train / {testCount} test points (seed {seed}), MNN loaded from {load}: no training, loss = train MSE";
        var table = new Table().Title(Markup.Escape(title))
            .AddColumns("model", "train accuracy", "test accuracy", "final loss", "seconds");
        foreach (var r in results)
            table.AddRow(Markup.Escape(r.Model), r.TrainAccuracy.ToString("P1"), r.TestAccuracy.ToString("P1"), r.FinalLoss.ToString("E2"), r.Seconds.ToString("F1"));
        AnsiConsole.Write(table);
        if (plotPrefix is not null)
            foreach (var (model, name) in models.Zip(names))
            {
                var path = $"{plotPrefix}-{name}.png";
                Rendering.DecisionRegionPlot.Save(path, model, xTest, yTest, model.DisplayName);
                AnsiConsole.MarkupLine($"wrote [green]{Markup.Escape(path)}[/]");
            }
        if (resultPath is not null)
            Outputs.WriteResult(parse, resultPath, new
            {
                trainCount, testCount, epochs = load is null ? epochs : 0, seed, loaded = load, results,
            });
        return 0;
    }

    private static void Train(CircleClassifier[] models, string[] names, Tensor xTrain, Tensor yTrain, Tensor xTest, Tensor yTest, int epochs,
        CheckpointOptions.Settings checkpoints, List<CircleResult> results)
    {
        using var section = CliCancellation.Enter(out var cancel);
        ProgressDisplay.Run(display =>
        {
            foreach (var (model, name) in models.Zip(names))
                results.Add(CircleTrainer.Train(model, xTrain, yTrain, xTest, yTest, checkpoints.Apply(CircleTrainer.Protocol(epochs), name),
                    display.Add(model.DisplayName, epochs), cancel));
        });
    }
}

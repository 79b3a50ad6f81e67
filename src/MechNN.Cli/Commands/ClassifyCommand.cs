using System.CommandLine;
using MechNN.Data.Datasets;
using MechNN.Models.Circles;
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
        var output = new Option<string?>("--out") { Description = "JSON file (default docs/results/classify-circles.json)." };
        var circles = new Command("circles", "Nested circles: inner disc (r ≤ 0.5) vs shell (1 ≤ r ≤ 1.5).") { train, test, epochs, seed, plot, output };
        circles.SetAction(p => Run(p.GetValue(train), p.GetValue(test), p.GetValue(epochs), p.GetValue(seed), p.GetValue(plot), p.GetValue(output)));
        classify.Subcommands.Add(circles);
        return classify;
    }

    private static int Run(int trainCount, int testCount, int epochs, long seed, string? plotPrefix, string? output)
    {
        if (trainCount < 10 || testCount < 10) throw new ArgumentException("--train and --test need at least 10 points.");
        if (epochs < 1) throw new ArgumentException("--epochs must be at least 1.");
        var (xTrain, yTrain) = NestedCircles.Generate(trainCount, seed);
        var (xTest, yTest) = NestedCircles.Generate(testCount, seed + 1);
        manual_seed(seed);
        var models = new CircleClassifier[] { new MnnCircleClassifier(), new NeuralOdeClassifier(), new NeuralOdeClassifier(augment: 1) };
        var results = new List<CircleResult>();
        AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn()).Start(ctx =>
        {
            foreach (var model in models)
            {
                var task = ctx.AddTask(Markup.Escape(model.DisplayName), maxValue: epochs);
                results.Add(CircleTrainer.Train(model, xTrain, yTrain, xTest, yTest, epochs, progress: (e, loss) =>
                {
                    task.Value = e + 1;
                    task.Description = Markup.Escape($"{model.DisplayName}: loss {loss:E2}");
                }));
            }
        });
        var table = new Table().Title($"Nested circles, {trainCount} train / {testCount} test points, {epochs} full-batch Adam steps (lr 1e-2), MSE to ±1")
            .AddColumns("model", "train accuracy", "test accuracy", "final loss", "seconds");
        foreach (var r in results)
            table.AddRow(Markup.Escape(r.Model), r.TrainAccuracy.ToString("P1"), r.TestAccuracy.ToString("P1"), r.FinalLoss.ToString("E2"), r.Seconds.ToString("F1"));
        AnsiConsole.Write(table);
        if (plotPrefix is not null)
            foreach (var (model, name) in models.Zip(new[] { "mnn", "node", "anode" }))
            {
                var path = $"{plotPrefix}-{name}.png";
                Rendering.DecisionRegionPlot.Save(path, model, xTest, yTest, model.DisplayName);
                AnsiConsole.MarkupLine($"wrote [green]{Markup.Escape(path)}[/]");
            }
        BenchCommand.WriteJson(output ?? Path.Combine("docs", "results", "classify-circles.json"), new
        {
            command = "mechnn classify circles " + string.Join(' ', Environment.GetCommandLineArgs().Skip(3)),
            date = DateTime.UtcNow.ToString("u"), trainCount, testCount, epochs, seed, results,
        });
        return 0;
    }
}

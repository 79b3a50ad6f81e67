using System.CommandLine;
using System.Diagnostics;
using MechNN.Experiments.Darcy;
using MechNN.IO.Hdf5;
using Spectre.Console;

namespace MechNN.Cli.Commands;

/// <summary>`mechnn datagen darcy`: the 2-D Darcy benchmark data (paper §5.6, anchors.md §3.3) to one HDF5 file.</summary>
internal static class DatagenDarcyCommand
{
    public static Command Create()
    {
        var train = new Option<int>("--train") { Description = "Training samples.", DefaultValueFactory = _ => 1000 };
        var test = new Option<int>("--test") { Description = "Test samples (stored after the training samples).", DefaultValueFactory = _ => 200 };
        var resolution = new Option<int>("--resolution") { Description = "Solve grid s (s×s).", DefaultValueFactory = _ => 421 };
        var subsample = new Option<int>("--subsample") { Description = "Stored stride r, dividing s−1 (421, 5 → 85×85).", DefaultValueFactory = _ => 5 };
        var seed = new Option<long>("--seed") { DefaultValueFactory = _ => 0 };
        var threads = new Option<int>("--threads") { Description = "Samples solved at once (the data do not depend on it).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var output = new Option<string>("--output", "-o") { Description = "HDF5 file to write.", Required = true };
        var command = new Command("darcy", "Generate the 2-D Darcy flow data set (GRF coefficient 12/3, −∇·(a∇u) = 1) as HDF5.")
        {
            train, test, resolution, subsample, seed, threads, output,
        };
        command.SetAction(p => Run(new DarcyGenerationParameters(p.GetValue(train), p.GetValue(test), p.GetValue(resolution), p.GetValue(subsample), p.GetValue(seed)),
            p.GetValue(threads), p.GetValue(output)!));
        return command;
    }

    private static int Run(DarcyGenerationParameters parameters, int threads, string output)
    {
        parameters.Validate();
        if (threads < 1) throw new ArgumentException($"--threads must be ≥ 1, got {threads}.");
        Hdf5Writer.EnsureWritable(output); // before the work, so a bad path fails in a second, not after an hour
        var clock = Stopwatch.StartNew();
        DarcyDataset? data = null;
        AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask($"Darcy {parameters.Resolution}² → {parameters.GridSize}²", maxValue: parameters.Count);
                data = DarcyGenerator.Generate(parameters, threads, new Progress(task));
            });
        var seconds = clock.Elapsed.TotalSeconds;
        DarcyDataFile.Write(output, data!);
        AnsiConsole.MarkupLine($"wrote {parameters.Train} train + {parameters.Test} test samples ({parameters.GridSize}×{parameters.GridSize}, float32) to [green]{Markup.Escape(Path.GetFullPath(output))}[/]");
        AnsiConsole.MarkupLine($"generation {seconds:F1} s on {threads} thread(s) ({seconds / parameters.Count * threads:F2} s per sample per thread), total {clock.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    /// <summary>Synchronous progress (System.Progress would post to the thread pool and finish after the bar).</summary>
    private sealed class Progress(ProgressTask task) : IProgress<int>
    {
        public void Report(int value)
        {
            lock (task) task.Value = Math.Max(task.Value, value); // workers finish out of order
        }
    }
}

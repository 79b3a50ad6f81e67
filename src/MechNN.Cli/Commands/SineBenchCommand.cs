using System.CommandLine;
using MechNN.Experiments.Sine;
using MechNN.Cli.Rendering;
using MechNN.IO;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Cli.Commands;

/// <summary>
/// `mechnn bench sine`: the paper's §5.7 — fit a damped noisy sine (fresh noise every iteration) with the MNN and
/// with an RK4 neural ODE, same data, same optimiser, same process; time per iteration and final MSE.
/// </summary>
internal static class SineBenchCommand
{
    public static Command Create()
    {
        var points = new Option<int>("--points") { Description = "Steps / output times T.", DefaultValueFactory = _ => 1000 };
        var iterations = new Option<int>("--iterations") { Description = "Adam iterations (fresh noise each).", DefaultValueFactory = _ => 100 };
        var device = new Option<string>("--device") { Description = "cpu or cuda", DefaultValueFactory = _ => "cpu" };
        var seed = new Option<long>("--seed") { DefaultValueFactory = _ => 0 };
        var skipRk4 = new Option<bool>("--skip-rk4") { Description = "Only run the MNN." };
        var export = new Option<string?>("--export") { Description = "Folder to write times.f64 and targets.f64 (raw float64) for an external baseline." };
        var output = new Option<string?>("--out") { Description = "JSON file (default ./bench-sine-<device>.json)." };
        var formulations = new Option<string[]>("--formulation")
        {
            Description = "MNN row sets to run: mnn (ε + central rows, the paper's QP; default) and/or smnn (S-MNN: no ε, continuity rows)",
            DefaultValueFactory = _ => ["mnn"], AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("sine", "§5.7: MNN vs RK4 neural ODE on the damped noisy sine, per-iteration time and final MSE.")
            { points, iterations, device, seed, skipRk4, export, output, formulations };
        command.SetAction(p => Run(p, p.GetValue(points), p.GetValue(iterations), p.GetValue(device)!, p.GetValue(seed), p.GetValue(skipRk4),
            p.GetValue(export), p.GetValue(output), p.GetValue(formulations)!));
        return command;
    }

    private static int Run(ParseResult parse, int points, int iterations, string deviceName, long seed, bool skipRk4, string? export, string? output, string[] formulations)
    {
        var rowSets = formulations.SelectMany(f => f.Split(',')).Distinct().ToList();
        if (rowSets.Count == 0 || rowSets.Any(f => f is not ("mnn" or "smnn"))) throw new ArgumentException("--formulation takes mnn and/or smnn.");
        // One noisy sample of the T points per iteration is drawn up front (the same targets for every model).
        MemoryCheck.Require($"--points {MemoryCheck.Count(points)} --iterations {MemoryCheck.Count(iterations)}", 8.0 * Math.Max(points, 2) * (Math.Max(iterations, 1) + 2),
            "the noisy targets of every iteration", "lower --points (or --iterations)");
        var data = new DampedNoisySine(Math.Max(points, 2), seed);
        // The MNN's learnable step is a sigmoid started at the grid step End/(T−1), so that step must be below 1.
        int fewest = (int)Math.Floor(data.End) + 2;
        if (points < fewest)
            throw new ArgumentException($"--points must be at least {fewest} (got {points}): the MNN's learnable step starts at the grid step {data.End:G3}/(T−1), which must be below 1.");
        if (iterations < 1) throw new ArgumentException($"--iterations must be at least 1 (got {iterations}).");
        var device = BenchCommand.ParseDevice(deviceName);
        var path = Outputs.Result(output, $"bench-sine-{deviceName}.json");
        Outputs.Check(("--out", path), ("--export", export is null ? null : Path.Combine(export, "times.f64")));
        var targets = Enumerable.Range(0, iterations).Select(_ => data.Sample()).ToList();
        if (export is not null) Export(export, data, targets);

        var models = rowSets.Select(f => (ISineModel)new MnnSineModel(points, step: data.End / (points - 1), device, ScalarType.Float64, seed,
            f == "smnn" ? Ode.OdeSpec.Smnn(2) with { InitialSteps = 0 } : null)).ToList();
        if (!skipRk4) models.Add(new NeuralOdeSineModel(data.Times, device, ScalarType.Float64, seed));
        var results = new List<SineFitResult>();
        ProgressDisplay.Run(display =>
        {
            foreach (var model in models)
                results.Add(SineFitTrainer.Train(model, targets, data.Clean, progress: display.Add(model.Name, iterations)));
        });

        var rk4 = results.FirstOrDefault(r => r.Model.StartsWith("Neural ODE", StringComparison.Ordinal));
        var table = new Table().Title($"§5.7 sine fit: T = {points}, {iterations} Adam iterations (lr 1e-2), fresh noise each, float64, {deviceName}")
            .AddColumns("model", "median ms / iteration", "× faster than RK4 NODE", "first MSE", "final MSE (noisy)", "final MSE (clean)");
        foreach (var r in results)
            table.AddRow(Markup.Escape(r.Model), r.MedianIterationMs.ToString("F2"), rk4 is null ? "–" : (rk4.MedianIterationMs / r.MedianIterationMs).ToString("F1"),
                r.FirstLoss.ToString("F4"), r.FinalNoisyMse.ToString("F4"), r.FinalCleanMse.ToString("F4"));
        AnsiConsole.Write(table);

        Outputs.WriteResult(parse, path, new
        {
            device = deviceName, points, iterations, seed,
            results,
        });
        return 0;
    }

    private static void Export(string folder, DampedNoisySine data, List<Tensor> targets)
    {
        WriteRaw(Path.Combine(folder, "times.f64"), data.Times);
        WriteRaw(Path.Combine(folder, "clean.f64"), data.Clean.data<double>().ToArray());
        WriteRaw(Path.Combine(folder, "targets.f64"), targets.SelectMany(t => t.data<double>().ToArray()).ToArray());
    }

    private static void WriteRaw(string path, double[] values)
    {
        var bytes = new byte[values.Length * sizeof(double)];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }
}

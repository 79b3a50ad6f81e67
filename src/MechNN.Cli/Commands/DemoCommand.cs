using System.CommandLine;
using System.Diagnostics;
using MechNN.Cli.Rendering;
using MechNN.Discovery;
using MechNN.Experiments.DiscoveryTasks;
using MechNN.Experiments.Sine;
using MechNN.Experiments.Systems;
using MechNN.Integrators;
using MechNN.IO.Csv;
using Spectre.Console;
using static TorchSharp.torch;

namespace MechNN.Cli.Commands;

/// <summary>
/// `mechnn demo`: what MNN is for, in well under a minute on built-in data — the Lorenz equations discovered from a noisy
/// trajectory by MNN and by SINDy side by side, and the paper's §5.7 damped noisy sine fitted by the MNN and by an RK4
/// neural ODE — with a PNG of each. `mechnn demo --check`: the solver against six closed-form ODEs.
/// </summary>
internal static class DemoCommand
{
    // Sized for a 2-core machine: the whole demo takes seconds, the RK4 neural ODE most of them.
    private const int LorenzSamples = 5000, PlotSamples = 300, SinePoints = 400, SineIterations = 100;
    private const double Noise = 0.01;
    private static readonly string Percent = $"{Noise * 100:G}%";
    private static readonly string[] DiscoveryMethods = ["SINDy (finite differences)", "MNN"];

    public static Command Create()
    {
        var check = new Option<bool>("--check") { Description = "Instead: the solver against six closed-form linear ODEs (error at T and 2T steps, convergence order)." };
        var steps = new Option<int?>("--steps") { Description = "With --check: steps T of the coarse grid (the fine grid has 2T; default 200)." };
        var output = new Option<string?>("--out") { Description = "Folder for demo-lorenz.png and demo-sine.png (default: the current directory)." };
        var seed = new Option<long>("--seed") { Description = "Seed of the noise and of the models' initialisation.", DefaultValueFactory = _ => 0 };
        var command = new Command("demo",
            "What MNN is for, on built-in data: Lorenz equations discovered by MNN and SINDy side by side, and the §5.7 sine fit by MNN and an RK4 neural ODE, each with a PNG. --check: the solver against closed forms.")
            { check, steps, output, seed };
        command.SetAction(p =>
        {
            var coarse = p.GetValue(steps);
            if (!p.GetValue(check)) return coarse is null ? Run(p.GetValue(output) ?? ".", p.GetValue(seed)) : throw new ArgumentException("--steps belongs to --check.");
            if (p.GetValue(output) is not null) throw new ArgumentException("--out belongs to the demo, not to --check (which writes nothing).");
            if (coarse is < 10) throw new ArgumentException("--steps must be at least 10.");
            return Check(coarse ?? 200);
        });
        return command;
    }

    private static int Run(string folder, long seed)
    {
        var lorenzPng = Path.Combine(folder, "demo-lorenz.png");
        var sinePng = Path.Combine(folder, "demo-sine.png");
        Outputs.Check(("--out", lorenzPng), ("--out", sinePng));
        // The demo's tensors are small: libtorch's worker threads only contend with the solver's own parallel loops
        // (measured on the 2-core machine: MNN discovery 4 s with one torch thread, 50 s with the default two).
        set_num_threads(1);
        AnsiConsole.MarkupLine("[bold]MechNN[/]: a mechanistic neural network solves linear ODEs inside the model, differentiably, so it can learn equations and signals.");
        DiscoverLorenz(lorenzPng, seed);
        FitSine(sinePng, seed);
        AnsiConsole.MarkupLine("Next: [green]mechnn discover YOUR-DATA.csv|.npy|.npz|.h5 --method mnn[/] (or sindy); [green]mechnn demo --check[/] checks the solver against closed forms.");
        return 0;
    }

    private static void DiscoverLorenz(string png, long seed)
    {
        var (clean, times) = LorenzDiscoveryBenchmark.Clean(LorenzSamples);
        var data = new Trajectory(LorenzDiscoveryBenchmark.Names, times, MeasurementNoise.Add(clean, Noise, seed));
        var fits = new List<(string Method, DiscoveredModel Model, double Seconds)>();
        ProgressDisplay.Run(display =>
        {
            var line = display.Add("Lorenz: discovering", DiscoveryMethods.Length);
            foreach (var method in DiscoveryMethods)
            {
                line.Describe($"Lorenz: {method}");
                var watch = Stopwatch.StartNew();
                var model = LorenzDiscoveryBenchmark.Fit(method, data.States, data.Times, seed);
                fits.Add((method, model, watch.Elapsed.TotalSeconds));
                line.Increment();
            }
        });
        var table = new Table()
            .Title(Markup.Escape($"1. Equation discovery from {LorenzSamples} Lorenz samples (dt {LorenzDiscoveryBenchmark.Dt}, {Percent} noise, degree-2 library); " +
                "true: (x0)' = -10 x0 + 10 x1, (x1)' = 28 x0 - x1 - x0 x2, (x2)' = -2.667 x2 + x0 x1"))
            .AddColumns("method", "discovered equations", "true terms found (of 7)", "wrong terms", "largest coefficient error", "seconds");
        foreach (var (method, model, seconds) in fits)
        {
            var score = LorenzDiscoveryBenchmark.Score(model);
            table.AddRow(Markup.Escape(method), Markup.Escape(string.Join('\n', model.Equations())), score.Correct.ToString(), score.Wrong.ToString(),
                double.IsNaN(score.MaxRelativeError) ? "–" : score.MaxRelativeError.ToString("P2"), seconds.ToString("F1"));
        }
        AnsiConsole.Write(table);

        var shown = new Trajectory(data.Names, data.Times[..PlotSamples], data.States[..PlotSamples]);
        var simulated = new List<(string, double[][])>();
        foreach (var (method, model, _) in fits)
        {
            try { simulated.Add((method, model.Simulate(shown.States[0], shown.Times))); }
            catch (IntegrationDivergedException ex) { AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(method)}'s model diverges at t = {ex.Time:G3}: not plotted[/]"); }
        }
        TrajectoryPlot.Save(png, shown, simulated, $"Lorenz, {Percent} noise: data vs the discovered models simulated from the first sample");
        AnsiConsole.MarkupLine($"wrote [green]{Markup.Escape(png)}[/] (the data solid; each model simulated from the first noisy sample, SINDy dashed, MNN dotted)");
    }

    private static void FitSine(string png, long seed)
    {
        var sine = new DampedNoisySine(SinePoints, seed);
        var targets = Enumerable.Range(0, SineIterations).Select(_ => sine.Sample()).ToList();
        var models = new ISineModel[]
        {
            new MnnSineModel(SinePoints, step: sine.End / (SinePoints - 1), CPU, ScalarType.Float64, seed),
            new NeuralOdeSineModel(sine.Times, CPU, ScalarType.Float64, seed),
        };
        var results = ProgressDisplay.Run(display => models.Select(m => SineFitTrainer.Train(m, targets, sine.Clean, progress: display.Add(m.Name, SineIterations))).ToList());
        var table = new Table()
            .Title(Markup.Escape($"2. §5.7 signal fit: y = (sin 2t + 0.5·noise)·e^(−0.1t) on [0, {sine.End}], {SinePoints} points, {SineIterations} Adam iterations (lr 0.01), fresh noise each"))
            .AddColumns("model", "ms per iteration (median)", "final MSE vs noise-free signal", "final MSE vs noisy target");
        foreach (var r in results)
            table.AddRow(Markup.Escape(r.Model), r.MedianIterationMs.ToString("F2"), r.FinalCleanMse.ToString("F4"), r.FinalNoisyMse.ToString("F4"));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"The MNN takes [bold]{results[1].MedianIterationMs / results[0].MedianIterationMs:F0}×[/] less time per iteration than the RK4 neural ODE.");

        double[][] fitted;
        using (no_grad()) fitted = models.Select(m => m.Predict().cpu().data<double>().ToArray()).ToArray();
        SignalFitPlot.Save(png, sine.Times, targets[^1].data<double>().ToArray(), sine.Clean.data<double>().ToArray(),
            models.Select((m, i) => (m.Name, fitted[i])).ToList(), $"§5.7 damped noisy sine after {SineIterations} iterations: MNN vs RK4 neural ODE");
        AnsiConsole.MarkupLine($"wrote [green]{Markup.Escape(png)}[/] (noisy target, noise-free signal, both fits)");
    }

    private static int Check(int steps)
    {
        var table = new Table().Title("MechNN banded solver vs closed form (plain least squares, central rows, float64)")
            .AddColumns("system", "R", "D", $"max |u−exact| T={steps}", $"T={2 * steps}", "order");
        var rows = new List<(ClosedFormOde Ode, double Coarse, double Fine)>();
        ProgressDisplay.Run(display =>
        {
            var line = display.Add("solving", ClosedFormOde.All.Count);
            foreach (var ode in ClosedFormOde.All)
            {
                rows.Add((ode, ode.MaxError(steps), ode.MaxError(2 * steps)));
                line.Increment();
            }
        });
        foreach (var (ode, coarse, fine) in rows)
            table.AddRow(Markup.Escape(ode.Name), ode.Spec.Order.ToString(), ode.Spec.Dims.ToString(),
                coarse.ToString("E2"), fine.ToString("E2"), Math.Log2(coarse / fine).ToString("F2"));
        AnsiConsole.Write(table);
        return 0;
    }
}

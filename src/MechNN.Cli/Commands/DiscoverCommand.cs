using System.CommandLine;
using MechNN.IO.Trajectories;
using MechNN.Discovery;
using MechNN.Discovery.Sindy;
using MechNN.IO.ModelFiles;
using MechNN.Cli.Rendering;
using Spectre.Console;

namespace MechNN.Cli.Commands;

/// <summary>`mechnn discover DATA.csv… --method mnn|sindy`: equations from trajectories, printed like PySINDy, saved as a model file.</summary>
internal static class DiscoverCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("data") { Description = "Trajectory files, .csv, .npy, .npz or .h5 (several = several trajectories of one system).", Arity = ArgumentArity.OneOrMore };
        var dataset = new Option<string?>("--dataset") { Description = "In .npz/.h5 files: the array of states, (samples, states), e.g. runs/a/x (default x); times from t beside it, else --dt." };
        var method = new Option<string>("--method") { Description = "mnn (mechanistic layer) or sindy (finite differences + STLSQ)", DefaultValueFactory = _ => "mnn" };
        var library = new Option<string>("--library") { Description = "Candidate library: poly:DEGREE[:nobias][:interaction]", DefaultValueFactory = _ => "poly:2" };
        var threshold = new Option<double>("--threshold") { DefaultValueFactory = _ => 0.1 };
        var dt = new Option<double?>("--dt") { Description = "Sample spacing when the files have no times (a CSV without t, a .npy)." };
        var window = new Option<int>("--window") { Description = "MNN: steps per window.", DefaultValueFactory = _ => 50 };
        var stride = new Option<int>("--stride") { Description = "MNN: offset between windows.", DefaultValueFactory = _ => 5 };
        var cycles = new Option<int>("--cycles") { Description = "MNN: threshold cycles.", DefaultValueFactory = _ => 3 };
        var epochs = new Option<int>("--epochs") { Description = "MNN: Adam epochs per cycle.", DefaultValueFactory = _ => 2 };
        var order = new Option<int>("--order") { Description = "MNN: order of the per-window ODE.", DefaultValueFactory = _ => 3 };
        var denoiser = new Option<int>("--denoiser") { Description = "MNN: hidden width of the denoiser (0 = none).", DefaultValueFactory = _ => 128 };
        var precision = new Option<int>("--precision") { DefaultValueFactory = _ => 3 };
        var xiNetwork = new Option<int>("--xi-network") { Description = "MNN: ξ from an MLP of this width (0 = direct parameter).", DefaultValueFactory = _ => 0 };
        var seed = new Option<long>("--seed") { DefaultValueFactory = _ => 0 };
        var output = new Option<string?>("--output", "-o") { Description = "Model file to write (read by `mechnn simulate`)." };
        var latex = new Option<bool>("--latex") { Description = "Also print the equations as LaTeX." };
        var plot = new Option<string?>("--plot") { Description = "PNG: the first trajectory against the discovered model simulated from its first state." };
        var command = new Command("discover", "Discover governing equations from trajectory data.")
            { files, dataset, method, library, threshold, dt, window, stride, cycles, epochs, order, denoiser, precision, xiNetwork, seed, output, latex, plot };
        command.Subcommands.Add(LogisticCommand.Create());
        command.SetAction(p => Run(p.GetValue(files)!, p.GetValue(dataset), p.GetValue(method)!, p.GetValue(library)!, p.GetValue(threshold), p.GetValue(dt),
            new MechanisticDiscoveryOptions
            {
                Window = p.GetValue(window), Stride = p.GetValue(stride), Cycles = p.GetValue(cycles), EpochsPerCycle = p.GetValue(epochs),
                Order = p.GetValue(order), DenoiserWidth = p.GetValue(denoiser), Threshold = p.GetValue(threshold), Seed = p.GetValue(seed),
                XiNetworkWidth = p.GetValue(xiNetwork),
            },
            p.GetValue(precision), p.GetValue(output), p.GetValue(latex), p.GetValue(plot)));
        return command;
    }

    private static int Run(string[] files, string? dataset, string method, string libraryText, double threshold, double? dt, MechanisticDiscoveryOptions options,
        int precision, string? output, bool latex, string? plot)
    {
        if (method is not ("mnn" or "sindy")) throw new ArgumentException($"--method must be mnn or sindy (got '{method}').");
        Outputs.Check(("--output", output), ("--plot", plot));
        var trajectories = TrajectoryFiles.ReadAll(files, new TrajectoryReadOptions { Dt = dt, Dataset = dataset, MinimumRows = method == "mnn" ? options.Window : 3 });
        var names = trajectories[0].Names;
        var spec = LibrarySpec.Parse(libraryText, names.Count);
        var data = trajectories.Select(t => (t.States, t.Times)).ToList();
        DiscoveredModel model;
        if (method == "sindy") model = new SindyModel(spec.Build(), new Stlsq(threshold)).Fit(data, names);
        else
        {
            DiscoveredModel? fitted = null;
            try
            {
                ProgressDisplay.Run(display =>
                {
                    var line = display.Add("MNN discovery", options.Cycles * (options.EpochsPerCycle + 1));
                    fitted = new MechanisticDiscovery(spec.Build(), options).Fit(data, names,
                        p => line.Increment(1, $"cycle {p.Cycle + 1}/{options.Cycles}: loss {p.Loss:E3}, {p.ActiveTerms} active terms"));
                });
            }
            catch (NonUniformStepsException ex)
            {
                throw new ArgumentException($"{files[ex.Trajectory]}: --method mnn needs one uniform time step in every file (row {ex.Sample + 2} breaks it).");
            }
            model = fitted!;
        }
        AnsiConsole.MarkupLine($"R² of the derivatives: {model.Score(trajectories[0].States, trajectories[0].Times):F6}");
        foreach (var line in model.Equations(precision)) AnsiConsole.Profile.Out.Writer.WriteLine(line);
        if (latex) AnsiConsole.Profile.Out.Writer.WriteLine(model.ToLatex(precision));
        if (output is not null)
        {
            model.Save(output);
            AnsiConsole.MarkupLine($"wrote [green]{Markup.Escape(output)}[/]");
        }
        if (plot is not null)
        {
            var first = trajectories[0];
            double[][] simulated;
            try { simulated = model.Simulate(first.States[0], first.Times); }
            catch (Integrators.IntegrationDivergedException ex)
            {
                AnsiConsole.MarkupLine($"[yellow]no plot:[/] the discovered model diverges at t = {ex.Time:G4} from the data's first state");
                return 0;
            }
            Rendering.TrajectoryPlot.Save(plot, first, simulated, $"{method.ToUpperInvariant()}: {Path.GetFileName(files[0])} vs discovered model");
            AnsiConsole.MarkupLine($"wrote [green]{Markup.Escape(plot)}[/]");
        }
        return 0;
    }
}

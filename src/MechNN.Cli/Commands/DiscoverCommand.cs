using System.CommandLine;
using MechNN.IO.Csv;
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
        var defaults = MechanisticDiscoveryOptions.DataDriven;
        var files = new Argument<string[]>("data") { Description = "Trajectory files, .csv, .npy, .npz or .h5 (several = several trajectories of one system).", Arity = ArgumentArity.OneOrMore };
        var dataset = new Option<string?>("--dataset") { Description = "In .npz/.h5 files: the array of states, (samples, states), e.g. runs/a/x (default x); times from t beside it, else --dt." };
        var method = new Option<string>("--method") { Description = "mnn (mechanistic layer), sindy (differences + STLSQ), weak (weak-form SINDy) or ensemble (bagged SINDy)", DefaultValueFactory = _ => "mnn" };
        var library = new Option<string>("--library") { Description = "Candidate library: poly:DEGREE[:nobias][:interaction]", DefaultValueFactory = _ => "poly:2" };
        var threshold = new Option<double?>("--threshold") { Description = "Sparsity threshold (default: SINDy 0.1; MNN chosen by BIC over 0.01 … 1)." };
        var dt = new Option<double?>("--dt") { Description = "Sample spacing when the files have no times (a CSV without t, a .npy)." };
        var window = new Option<int>("--window") { Description = "MNN: steps per window (default: about two of the data's shortest characteristic times, 20–50).", DefaultValueFactory = _ => defaults.Window };
        var stride = new Option<int>("--stride") { Description = "MNN: offset between windows (default: a tenth of the window).", DefaultValueFactory = _ => defaults.Stride };
        var cycles = new Option<int>("--cycles") { Description = "MNN: threshold cycles.", DefaultValueFactory = _ => defaults.Cycles };
        var epochs = new Option<int>("--epochs") { Description = "MNN: Adam epochs per cycle (with a denoiser network or --xi-network; otherwise each cycle is an exact fit).", DefaultValueFactory = _ => defaults.EpochsPerCycle };
        var order = new Option<int>("--order") { Description = "MNN: order of the per-window ODE.", DefaultValueFactory = _ => defaults.Order };
        var denoiser = new Option<int?>("--denoiser") { Description = "MNN: hidden width of the denoiser (0 = none; default: chosen from the data's noise estimate)." };
        var precision = new Option<int>("--precision") { DefaultValueFactory = _ => 3 };
        var xiNetwork = new Option<int>("--xi-network") { Description = "MNN: ξ from an MLP of this width (0 = direct parameter).", DefaultValueFactory = _ => 0 };
        var seed = new Option<long>("--seed") { DefaultValueFactory = _ => 0 };
        var output = new Option<string?>("--output", "-o") { Description = "Model file to write (read by `mechnn simulate`)." };
        var format = new Option<string>("--format") { Description = "How the equations are printed: text (PySINDy 2.x's print), latex, json or sympy (one expression per line).", DefaultValueFactory = _ => "text" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print the equations only (no R², no chosen settings, no 'wrote' lines)." };
        var differentiation = new Option<string>("--differentiation") { Description = "SINDy: fd (finite differences) or smoothed (Savitzky–Golay 11/3, library on the smoothed x as PySINDy 2.x).", DefaultValueFactory = _ => "fd" };
        var noRefit = new Option<bool>("--no-refit") { Description = "MNN: skip the final refit of ξ on the model's own trajectory (faster; on noisy data markedly less accurate)." };
        var plot = new Option<string?>("--plot") { Description = "Image (format by extension: .png, .jpg, .bmp, .webp): the first trajectory against the discovered model simulated from its first state." };
        var command = new Command("discover", "Discover governing equations from trajectory data.")
            { files, dataset, method, library, threshold, dt, window, stride, cycles, epochs, order, denoiser, noRefit, precision, xiNetwork, seed, output, format, quiet, differentiation, plot };
        command.Subcommands.Add(LogisticCommand.Create());
        command.SetAction(p => Run(p.GetValue(files)!, p.GetValue(dataset), p.GetValue(method)!, p.GetValue(library)!, p.GetValue(threshold) ?? 0.1, p.GetValue(dt),
            defaults with
            {
                Window = p.GetValue(window), Stride = p.GetValue(stride), Cycles = p.GetValue(cycles), EpochsPerCycle = p.GetValue(epochs),
                Order = p.GetValue(order), DenoiserWidth = p.GetValue(denoiser) ?? MechanisticDiscoveryOptions.Automatic,
                Threshold = p.GetValue(threshold) ?? 0.1, ThresholdPath = p.GetValue(threshold) is null ? defaults.ThresholdPath : null, Seed = p.GetValue(seed),
                XiNetworkWidth = p.GetValue(xiNetwork), TrajectoryRefit = !p.GetValue(noRefit),
            },
            p.GetValue(differentiation)!, new Printing(p.GetValue(format)!, p.GetValue(precision), p.GetValue(quiet), p.InvocationConfiguration.Error), p.GetValue(output), p.GetValue(plot)));
        return command;
    }

    /// <summary>How the result is printed: the equations in one format, then (unless quiet) one line per remark —
    /// on stdout beside text or LaTeX, on stderr beside JSON or SymPy so that stdout stays machine-readable.</summary>
    private sealed record Printing(string Format, int Precision, bool Quiet, TextWriter Error)
    {
        public void Model(DiscoveredModel model)
        {
            var lines = Format switch
            {
                "text" => model.Equations(Precision),
                "latex" => new[] { model.ToLatex(Precision) },
                "json" => new[] { model.ToJson() },
                _ => model.SympyExpressions(),
            };
            foreach (var line in lines) AnsiConsole.Profile.Out.Writer.WriteLine(line);
        }

        public void Remark(string markup)
        {
            if (Quiet) return;
            if (Format is "text" or "latex") AnsiConsole.MarkupLine(markup);
            else Error.WriteLine(Markup.Remove(markup));
        }
    }

    /// <summary>What the MNN defaults chose, one line each: windows, the denoiser, the threshold, the trajectory refit.</summary>
    private static IEnumerable<string> MnnChoices(DiscoveredModel model)
    {
        var s = model.Settings;
        yield return Markup.Escape($"windows of {s["window"]:F0} steps, stride {s["stride"]:F0}");
        if (s.TryGetValue("noiseEstimate", out var noise) && !double.IsNaN(noise))
        {
            var denoiser = s["denoiserWidth"] > 0 ? $"{s["denoiserWidth"]:F0}-wide network" : "off";
            yield return Markup.Escape($"denoiser: {denoiser} (noise est {noise:0.0e+00} of the std, largest over states)");
        }
        if (s.ContainsKey("thresholdByBic"))
            yield return Markup.Escape($"threshold {s["threshold"]:G3} chosen by BIC over {string.Join(", ", MechanisticDiscoveryOptions.DefaultThresholdPath.Select(t => t.ToString("G3")))}");
        if (s.TryGetValue("trajectoryRefit", out var refit))
            yield return Markup.Escape(refit == 1
                ? $"refit on the model's trajectory: {s["refitIterations"]:F0} Gauss–Newton steps, weighted misfit × {s["refitCostRatio"]:G3}, {s["refitPruned"]:F0} terms pruned"
                : "refit on the model's trajectory: none (no trajectory through the fit could be solved; the integral fit is kept)");
    }

    private static int Run(string[] files, string? dataset, string method, string libraryText, double threshold, double? dt, MechanisticDiscoveryOptions options,
        string differentiation, Printing print, string? output, string? plot)
    {
        if (method is not ("mnn" or "sindy" or "weak" or "ensemble")) throw new ArgumentException($"--method must be mnn, sindy, weak or ensemble (got '{method}').");
        if (print.Format is not ("text" or "latex" or "json" or "sympy")) throw new ArgumentException($"--format must be text, latex, json or sympy (got '{print.Format}').");
        if (differentiation is not ("fd" or "smoothed")) throw new ArgumentException($"--differentiation must be fd or smoothed (got '{differentiation}').");
        if (print.Precision is < 0 or > 15) throw new ArgumentException($"--precision must be 0 to 15 significant digits (got {print.Precision}).");
        Outputs.Check(("--output", output), ("--plot", Outputs.PlotFile(plot)));
        var trajectories = TrajectoryFiles.ReadAll(files, new TrajectoryReadOptions { Dt = dt, Dataset = dataset, MinimumRows = method == "mnn" ? options.MinimumSamples : 3 });
        var names = trajectories[0].Names;
        var spec = LibrarySpec.Parse(libraryText, names.Count);
        var data = trajectories.Select(t => (t.States, t.Times)).ToList();
        DiscoveredModel model;
        IDifferentiator differentiator = differentiation == "smoothed" ? new SmoothedFiniteDifference() : new FiniteDifference();
        if (method == "sindy") model = new SindyModel(spec.Build(), new Stlsq(threshold), differentiator).Fit(data, names);
        else if (method == "weak") model = new WeakSindy(spec.Build(), new Stlsq(threshold)).Fit(data, names);
        else if (method == "ensemble") model = new EnsembleSindy(spec.Build(), new Stlsq(threshold), differentiator, seed: (int)options.Seed).Fit(data, names);
        else
        {
            DiscoveredModel? fitted = null;
            try
            {
                ProgressDisplay.Run(display =>
                {
                    var line = display.Add("MNN discovery", options.Cycles * (options.EpochsPerCycle + 1));
                    fitted = new MechanisticDiscovery(spec.Build(), options).Fit(data, names,
                        p => line.Set(p.Cycle * (options.EpochsPerCycle + 1) + p.Epoch + 1, $"cycle {p.Cycle + 1}/{options.Cycles}: loss {p.Loss:E3}, {p.ActiveTerms} active terms"));
                    line.Complete();
                });
            }
            catch (NonUniformStepsException ex)
            {
                throw new ArgumentException($"{files[ex.Trajectory]}: --method mnn needs one uniform time step in every file (row {ex.Sample + 2} breaks it).");
            }
            model = fitted!;
        }
        print.Model(model);
        if (method == "mnn") foreach (var remark in MnnChoices(model)) print.Remark(remark);
        print.Remark($"R² = {model.Score(trajectories[0].States, trajectories[0].Times):F6} (derivatives, uniform average over states)");
        if (output is not null)
        {
            SavedModel.Write("--output", output, model.Save);
            print.Remark($"wrote [green]{Markup.Escape(output)}[/]");
        }
        if (plot is not null)
        {
            var first = trajectories[0];
            double[][] simulated;
            try { simulated = model.Simulate(first.States[0], first.Times); }
            catch (Integrators.IntegrationDivergedException ex)
            {
                print.Remark($"[yellow]no plot:[/] the discovered model diverges at t = {ex.Time:G4} from the data's first state");
                return 0;
            }
            Rendering.TrajectoryPlot.Save(plot, first, simulated, $"{method.ToUpperInvariant()}: {Path.GetFileName(files[0])} vs discovered model");
            print.Remark($"wrote [green]{Markup.Escape(plot)}[/]");
        }
        return 0;
    }
}

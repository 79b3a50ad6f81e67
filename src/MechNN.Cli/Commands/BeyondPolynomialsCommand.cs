using MechNN.Experiments.DiscoveryTasks;
using System.CommandLine;
using MechNN.Discovery;
using Spectre.Console;

namespace MechNN.Cli.Commands;

/// <summary>`mechnn bench beyond-polynomials`: paper Fig. 2 — tanh(Θξ) and p/q right-hand sides, MNN vs SINDy, table and plots.</summary>
internal static class BeyondPolynomialsCommand
{
    public static Command Create()
    {
        var plot = new Option<string?>("--plot") { Description = "Path prefix for PNGs (truth vs MNN vs SINDy from the unseen state)." };
        var command = new Command("beyond-polynomials", "u' = tanh(Θξ) and u' = p(u)/q(u): MNN vs polynomial SINDy, simulated from an unseen state.") { plot };
        command.SetAction(p => Run(p.GetValue(plot)));
        return command;
    }

    private static int Run(string? plot)
    {
        Outputs.Check(("--plot", Outputs.PlotPrefix(plot)));
        var results = new List<BeyondPolynomialResult>();
        AnsiConsole.Status().Start("fitting the tanh example…", ctx =>
        {
            results.Add(BeyondPolynomials.Tanh());
            ctx.Status("fitting the rational example…");
            results.Add(BeyondPolynomials.Rational());
        });
        var table = new Table().Title("Beyond polynomials: one training trajectory each; RMS error of the simulation from an unseen initial state")
            .AddColumns("system", "method", "discovered", "RMS simulation error");
        foreach (var r in results)
            foreach (var run in new[] { r.Mnn, r.Sindy })
                table.AddRow(Markup.Escape(r.System), Markup.Escape(run.Method), Markup.Escape(string.Join("\n", run.Equations)),
                    double.IsPositiveInfinity(run.RmsError) ? "diverged" : run.RmsError.ToString("E2"));
        AnsiConsole.Write(table);
        if (plot is null) return 0;
        foreach (var r in results)
        {
            var p = new ScottPlot.Plot();
            var palette = new ScottPlot.Palettes.Category10();
            int dims = r.Truth[0].Length;
            for (int d = 0; d < dims; d++)
            {
                p.Add.ScatterLine(r.Times, r.Truth.Select(s => s[d]).ToArray(), palette.GetColor(0)).LegendText = d == 0 ? "truth" : "";
                foreach (var (run, colour, pattern) in new[] { (r.Mnn, 1, ScottPlot.LinePattern.Dashed), (r.Sindy, 3, ScottPlot.LinePattern.Dotted) })
                {
                    if (run.Simulation is null) continue;
                    var line = p.Add.ScatterLine(r.Times, run.Simulation.Select(s => s[d]).ToArray(), palette.GetColor(colour));
                    line.LinePattern = pattern;
                    line.LineWidth = 2;
                    line.LegendText = d == 0 ? $"{run.Method} (RMS {run.RmsError:E1})" : "";
                }
            }
            p.Title($"{r.System}: simulations from an unseen initial state");
            p.XLabel("t");
            p.ShowLegend();
            var path = Rendering.PlotImage.Save(p, $"{plot}-{r.System.Replace(' ', '-')}.png", 1000, 450);
            AnsiConsole.MarkupLine($"wrote [green]{Markup.Escape(path)}[/]");
        }
        return 0;
    }
}

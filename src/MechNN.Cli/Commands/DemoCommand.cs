using System.CommandLine;
using MechNN.Experiments.Systems;
using MechNN.Cli.Rendering;
using Spectre.Console;

namespace MechNN.Cli.Commands;

/// <summary>`mechnn demo`: solves the built-in closed-form ODEs at T and 2T steps and prints error and convergence order.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var steps = new Option<int>("--steps") { Description = "Number of steps T of the coarse grid (the fine grid has 2T).", DefaultValueFactory = _ => 200 };
        steps.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 10) r.AddError("--steps must be at least 10."); });
        var command = new Command("demo", "Solve built-in linear ODEs with the banded MNN solver and compare with their closed forms.") { steps };
        command.SetAction(parse => Run(parse.GetValue(steps)));
        return command;
    }

    private static int Run(int steps)
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

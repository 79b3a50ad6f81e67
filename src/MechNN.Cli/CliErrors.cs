using MechNN.Ode;
using Spectre.Console;

namespace MechNN.Cli;

/// <summary>Turns the library's user-facing exceptions into a one-line message and a non-zero exit code.</summary>
internal static class CliErrors
{
    public static int Run(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception ex) when (ex is OdeInputException or IllPosedSystemException or ArgumentException or IOException
            or FormatException or ArithmeticException or NotSupportedException)
        {
            AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(ex.Message)}");
            return 2;
        }
        catch (OperationCanceledException ex)
        {
            AnsiConsole.MarkupLine($"[yellow]cancelled:[/] {Markup.Escape(ex.Message)}");
            return 130;
        }
    }
}

using MechNN.Integrators;
using MechNN.Ode;

namespace MechNN.Cli;

/// <summary>
/// The exit-code rule: 0 ok; 1 usage (parse errors, reported by System.CommandLine with the usage); 2 bad input or data
/// (a file, row, option or shape named in one line); 3 numerical failure (an ill-posed system, a diverged integration);
/// 130 cancelled. Anything else is a defect and keeps its stack trace.
/// </summary>
internal static class CliErrors
{
    public const int Ok = 0, Usage = 1, BadInput = 2, NumericalFailure = 3, Cancelled = 130;

    /// <summary>Runs a parsed command; a user-facing exception becomes one line on <paramref name="error"/> and its exit code.</summary>
    public static int Run(Func<int> action, TextWriter error)
    {
        try
        {
            return action();
        }
        catch (Exception ex) when (Code(ex) is { } code)
        {
            error.WriteLine($"{(code == Cancelled ? "cancelled" : "error")}: {OneLine(ex.Message)}");
            return code;
        }
    }

    /// <summary>The exit code of a user-facing exception; null for a defect.</summary>
    public static int? Code(Exception ex) => ex switch
    {
        OperationCanceledException => Cancelled,
        IllPosedSystemException or IntegrationDivergedException => NumericalFailure,
        ArgumentException or IOException or UnauthorizedAccessException or FormatException or ArithmeticException or NotSupportedException => BadInput,
        _ => null,
    };

    private static string OneLine(string message) => string.Join(' ', message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}

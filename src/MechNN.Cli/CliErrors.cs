using MechNN.Integrators;
using System.Runtime.InteropServices;
using MechNN.Ode;
using MechNN.Training;

namespace MechNN.Cli;

/// <summary>
/// The exit-code rule: 0 ok; 1 usage (parse errors, reported by System.CommandLine with the usage); 2 bad input or data
/// (a file, row, option or shape named in one line); 3 numerical failure (an ill-posed system, a diverged integration);
/// 4 a data-parallel run failed (a replica died, hung or NCCL failed); 130 cancelled. Anything else is a defect and keeps
/// its stack trace.
/// </summary>
internal static class CliErrors
{
    public const int Ok = 0, Usage = 1, BadInput = 2, NumericalFailure = 3, DistributedFailure = 4, Cancelled = 130;

    /// <summary>Runs a parsed command; a user-facing exception becomes one line on <paramref name="error"/> and its exit code.</summary>
    public static int Run(Func<int> action, TextWriter error)
    {
        try
        {
            return action();
        }
        catch (TypeInitializationException) when (Runtime.NativeSetup.LoadFailure is { } cause)
        {
            error.WriteLine($"error: {OneLine(cause.Message)}");
            return BadInput;
        }
        catch (Exception ex) when (Code(ex) is { } code)
        {
            error.WriteLine($"{(code == Cancelled ? "cancelled" : "error")}: {OneLine(FirstLine(ex))}");
            return code;
        }
    }

    /// <summary>The exit code of a user-facing exception; null for a defect.</summary>
    public static int? Code(Exception ex) => ex switch
    {
        OperationCanceledException => Cancelled,
        Bench.MemoryChildException child => child.ExitCode,
        Training.Distributed.DistributedException => DistributedFailure,
        IllPosedSystemException or IntegrationDivergedException or TrainingDivergedException => NumericalFailure,
        // libtorch reports an allocation that does not fit (host or device) as an ExternalException: the input is too large.
        ExternalException when ex.Message.Contains("out of memory", StringComparison.OrdinalIgnoreCase) => BadInput,
        ArgumentException or IOException or UnauthorizedAccessException or FormatException or ArithmeticException or NotSupportedException => BadInput,
        _ => null,
    };

    // libtorch messages carry a native backtrace after their first line; the user needs only that line.
    private static string FirstLine(Exception ex) => ex is ExternalException ? ex.Message.Split('\n')[0] : ex.Message;

    private static string OneLine(string message) => string.Join(' ', message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}

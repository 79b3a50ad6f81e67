using System.CommandLine;
using System.CommandLine.Help;
using MechNN.Cli.Commands;
using Spectre.Console;

namespace MechNN.Cli;

/// <summary>The `mechnn` tool: builds the command tree, runs one invocation, maps failures to exit codes (see <see cref="CliErrors"/>).</summary>
internal static class Cli
{
    /// <summary>The tool's name in help, usage and provenance records, however the process was started.</summary>
    public const string Name = "mechnn";

    /// <summary>Runs one invocation in this process; reusable by tests (the console renderer is process-wide: one at a time).</summary>
    /// <param name="args">The arguments after the tool name.</param>
    /// <param name="output">Tables, messages, help.</param>
    /// <param name="error">Parse errors with usage, and the one-line error of a failed command.</param>
    /// <returns>The exit code (0 ok, 1 usage, 2 bad input, 3 numerical failure, 130 cancelled).</returns>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        // Before any TorchSharp call: registers the native fix for hosts whose libstdc++ predates GCC 13.
        Runtime.NativeSetup.EnsureLoaded();
        var previous = AnsiConsole.Console;
        var target = new AnsiConsoleOutput(output);
        // A file, a pipe or a test's writer gets plain text (no escape codes), and wide tables stay readable.
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = target, Ansi = target.IsTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = target.IsTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        if (!target.IsTerminal) console.Profile.Width = 200;
        AnsiConsole.Console = console;
        try
        {
            var parse = Root().Parse(args);
            return CliErrors.Run(() => parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = output, Error = error }), error);
        }
        finally
        {
            AnsiConsole.Console = previous;
        }
    }

    /// <summary>
    /// A plain command named "mechnn" rather than <see cref="RootCommand"/>, whose name is the executable's
    /// (MechNN.Cli, or dotnet's host under `dotnet run`); help and version are added as RootCommand would.
    /// </summary>
    internal static Command Root()
    {
        var root = new Command(Name, "mechnn — Mechanistic Neural Networks for .NET: differentiable batched linear-ODE solving.")
        {
            new HelpOption(), new VersionOption(),
        };
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(DatagenCommand.Create());
        root.Subcommands.Add(DiscoverCommand.Create());
        root.Subcommands.Add(SimulateCommand.Create());
        root.Subcommands.Add(ClassifyCommand.Create());
        root.Subcommands.Add(FitCommand.Create());
        root.Subcommands.Add(CliReferenceCommand.Create());
        return root;
    }
}

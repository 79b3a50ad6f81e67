using System.CommandLine;
using MechNN.Cli;
using MechNN.Cli.Commands;

// Before any TorchSharp call: registers the native fix for hosts whose libstdc++ predates GCC 13.
MechNN.Runtime.NativeSetup.EnsureLoaded();

// Tables are wide; keep them readable when the output is a file or a pipe.
if (Console.IsOutputRedirected) Spectre.Console.AnsiConsole.Profile.Width = 200;

var root = new RootCommand("mechnn — Mechanistic Neural Networks for .NET: differentiable batched linear-ODE solving.");
root.Subcommands.Add(DemoCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(DatagenCommand.Create());
root.Subcommands.Add(DiscoverCommand.Create());
root.Subcommands.Add(SimulateCommand.Create());
root.Subcommands.Add(ClassifyCommand.Create());
root.Subcommands.Add(FitCommand.Create());
return CliErrors.Run(() => root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false }));

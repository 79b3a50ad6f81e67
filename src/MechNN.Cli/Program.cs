using System.CommandLine;
using MechNN.Cli;
using MechNN.Cli.Commands;

var root = new RootCommand("mechnn — Mechanistic Neural Networks for .NET: differentiable batched linear-ODE solving.");
root.Subcommands.Add(DemoCommand.Create());
return CliErrors.Run(() => root.Parse(args).Invoke());

using System.CommandLine;
using MechNN.IO.Csv;
using MechNN.Discovery;
using Spectre.Console;

namespace MechNN.Cli.Commands;

/// <summary>`mechnn simulate MODEL.json --x0 … --t1 … --dt …`: integrates a discovered model (Dormand–Prince) to a trajectory file.</summary>
internal static class SimulateCommand
{
    public static Command Create()
    {
        var modelPath = new Argument<string>("model") { Description = "Model file written by `mechnn discover -o`." };
        var x0 = new Option<string>("--x0") { Description = "Initial state, comma-separated.", Required = true };
        var t1 = new Option<double>("--t1") { Description = "Final time.", DefaultValueFactory = _ => 10 };
        var dt = new Option<double>("--dt") { Description = "Output spacing.", DefaultValueFactory = _ => 0.01 };
        var output = new Option<string>("--output", "-o") { Description = "Trajectory file to write: .csv, .npy (states only), .npz or .h5.", Required = true };
        var command = new Command("simulate", "Integrate a discovered model from an initial state.") { modelPath, x0, t1, dt, output };
        command.SetAction(p => Run(p.GetValue(modelPath)!, p.GetValue(x0)!, p.GetValue(t1), p.GetValue(dt), p.GetValue(output)!));
        return command;
    }

    private static int Run(string modelPath, string x0Text, double t1, double dt, string output)
    {
        if (!(dt > 0) || !(t1 > 0)) throw new ArgumentException("--dt and --t1 must be positive.");
        Outputs.CheckTrajectory("--output", output);
        var model = DiscoveredModel.Load(modelPath);
        var x0 = Parse.Vector(x0Text, "--x0");
        double samples = Math.Floor(t1 / dt + 1e-9) + 1;
        MemoryCheck.Require($"--t1 {t1:G6} --dt {dt:G6} ({MemoryCheck.Count(samples)} samples)", Samples.Bytes(samples, x0.Length, copies: 1),
            "the simulated states", "lower --t1 or raise --dt");
        if (samples > Array.MaxLength)
            throw new ArgumentException($"--t1 {t1:G6} --dt {dt:G6}: {MemoryCheck.Count(samples)} samples are more than one trajectory can hold ({MemoryCheck.Count(Array.MaxLength)}): lower --t1 or raise --dt.");
        int count = (int)samples;
        var times = Enumerable.Range(0, count).Select(i => i * dt).ToArray();
        var states = model.Simulate(x0, times);   // throws with the divergence time; nothing is written then
        Outputs.WriteTrajectory(output, new Trajectory(model.Names, times, states),
            $"wrote {count} samples to [green]{Markup.Escape(output)}[/]");
        return 0;
    }
}

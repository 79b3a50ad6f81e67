using System.CommandLine;
using MechNN.IO.Csv;
using MechNN.Experiments.Systems;
using Spectre.Console;

namespace MechNN.Cli.Commands;

/// <summary>`mechnn datagen SYSTEM`: a trajectory of a built-in system (tight-tolerance RK45), optional noise, to CSV.</summary>
internal static class DatagenCommand
{
    public static Command Create()
    {
        var system = new Argument<string>("system") { Description = "One of: " + string.Join(", ", SystemCatalog.All.Keys) };
        var x0 = new Option<string?>("--x0") { Description = "Initial state, comma-separated (default: the system's)." };
        var dt = new Option<double>("--dt") { DefaultValueFactory = _ => 0.01 };
        var steps = new Option<int>("--steps") { Description = "Number of samples.", DefaultValueFactory = _ => 10_000 };
        var noise = new Option<double>("--noise") { Description = "Gaussian noise, relative to each state's standard deviation (0.01 = 1%).", DefaultValueFactory = _ => 0 };
        var seed = new Option<long>("--seed") { DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--output", "-o") { Description = "Trajectory file to write: .csv, .npy (states only), .npz or .h5.", Required = true };
        var command = new Command("datagen", "Generate a trajectory of a standard system (Lorenz, SHOs, …) as CSV/NumPy/HDF5, the N-body data (`datagen n-body`) or the Darcy data set (`datagen darcy`).")
        {
            system, x0, dt, steps, noise, seed, output, DatagenDarcyCommand.Create(),
        };
        command.Subcommands.Add(NBodyDatagenCommand.Create());
        command.SetAction(p => Run(p.GetValue(system)!, p.GetValue(x0), p.GetValue(dt), p.GetValue(steps), p.GetValue(noise), p.GetValue(seed), p.GetValue(output)!));
        return command;
    }

    private static int Run(string name, string? x0Text, double dt, int steps, double noise, long seed, string output)
    {
        if (!(dt > 0)) throw new ArgumentException("--dt must be positive.");
        if (steps < 3) throw new ArgumentException("--steps must be at least 3.");
        if (noise < 0) throw new ArgumentException("--noise must be ≥ 0.");
        Outputs.CheckTrajectory("--output", output);
        var (system, defaultX0) = SystemCatalog.Get(name);
        var x0 = x0Text is null ? defaultX0 : Parse.Vector(x0Text, "--x0");
        if (x0.Length != system.Dimension) throw new ArgumentException($"--x0: {system.Name} has {system.Dimension} states, got {x0.Length} values.");
        MemoryCheck.Require($"--steps {MemoryCheck.Count(steps)}", Samples.Bytes(steps, system.Dimension, copies: 2), "the samples (clean and noisy)", "lower --steps");
        var (x, t) = system.Trajectory(x0, dt, steps);
        x = MeasurementNoise.Add(x, noise, seed);
        var names = Enumerable.Range(0, system.Dimension).Select(i => $"x{i}").ToList();
        Outputs.WriteTrajectory(output, new Trajectory(names, t, x),
            $"wrote {steps} samples of {Markup.Escape(system.Name)} to [green]{Markup.Escape(output)}[/]");
        return 0;
    }
}

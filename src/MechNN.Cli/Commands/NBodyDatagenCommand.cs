using System.CommandLine;
using MechNN.Experiments.NBody;
using MechNN.IO.Csv;
using Spectre.Console;

namespace MechNN.Cli.Commands;

/// <summary>`mechnn datagen n-body`: a random N-body trajectory (paper §5.5 data), Dormand–Prince at rtol = atol = 1e-10, to CSV.</summary>
internal static class NBodyDatagenCommand
{
    public static Command Create()
    {
        var bodies = new Option<int>("--bodies") { DefaultValueFactory = _ => 10 };
        var steps = new Option<int>("--steps") { Description = "Number of samples.", DefaultValueFactory = _ => 4000 };
        var dt = new Option<double>("--dt") { DefaultValueFactory = _ => 0.1 };
        var mass = new Option<double>("--mass") { Description = "Mass of every body.", DefaultValueFactory = _ => 8 };
        var gravity = new Option<double>("--G") { Description = "Gravitational constant.", DefaultValueFactory = _ => 2 };
        var softening = new Option<double>("--softening") { Description = "Softening length ε (0: exact gravity; close encounters then take tiny steps and may eject a body).", DefaultValueFactory = _ => 0 };
        var spread = new Option<double>("--spread") { Description = "Outer radius of the initial rotating disc.", DefaultValueFactory = _ => 5 };
        var speed = new Option<double>("--speed") { Description = "Initial tangential speed relative to circular.", DefaultValueFactory = _ => 1 };
        var com = new Option<bool>("--com-frame") { Description = "Centre-of-mass frame (zero momentum); --com-frame false keeps the raw draw.", DefaultValueFactory = _ => true };
        var tolerance = new Option<double>("--tolerance") { Description = "Dormand–Prince rtol = atol (at most 1e-10).", DefaultValueFactory = _ => 1e-10 };
        var seed = new Option<long>("--seed") { DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--output", "-o") { Description = "Trajectory file to write: .csv, .npy (states only), .npz or .h5.", Required = true };
        var command = new Command("n-body", "Random N bodies in a plane under Newtonian gravity: columns t, x0, y0, vx0, vy0, x1, ….")
            { bodies, steps, dt, mass, gravity, softening, spread, speed, com, tolerance, seed, output };
        command.SetAction(p => Run(p.GetValue(bodies), p.GetValue(steps), p.GetValue(dt), p.GetValue(mass), p.GetValue(gravity), p.GetValue(softening),
            p.GetValue(spread), p.GetValue(speed), p.GetValue(com), p.GetValue(tolerance), p.GetValue(seed), p.GetValue(output)!));
        return command;
    }

    private static int Run(int bodies, int steps, double dt, double mass, double gravity, double softening, double spread, double speed, bool com,
        double tolerance, long seed, string output)
    {
        if (bodies < 2) throw new ArgumentException($"--bodies must be at least 2 (got {bodies}).");
        if (steps < 3) throw new ArgumentException($"--steps must be at least 3 (got {steps}).");
        if (!(dt > 0)) throw new ArgumentException($"--dt must be positive (got {dt}).");
        if (!(spread > 0) || !(speed >= 0)) throw new ArgumentException("--spread must be positive and --speed ≥ 0.");
        if (!(tolerance > 0 && tolerance <= 1e-10)) throw new ArgumentException($"--tolerance must lie in (0, 1e-10] (got {tolerance}).");
        MemoryCheck.Require($"--steps {MemoryCheck.Count(steps)} --bodies {MemoryCheck.Count(bodies)}", Samples.Bytes(steps, 4.0 * bodies, copies: 1),
            "the samples", "lower --steps (or --bodies)");
        Outputs.CheckTrajectory("--output", output);
        var system = new NBodySystem(Enumerable.Repeat(mass, bodies).ToArray(), gravity, softening);
        var x0 = system.RandomInitialState(seed, spread, speed, com);
        var (x, t) = system.Trajectory(x0, dt, steps, tolerance);
        double drift = Math.Abs(system.Energy(x[^1]) - system.Energy(x[0])) / Math.Abs(system.Energy(x[0]));
        Outputs.WriteTrajectory(output, new Trajectory(system.VariableNames(), t, x),
            $"wrote {steps} samples of {bodies} bodies to [green]{Markup.Escape(output)}[/] (relative energy drift {drift:E2})");
        return 0;
    }
}

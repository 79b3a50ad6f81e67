using System.CommandLine;
using System.Diagnostics;
using MechNN.Experiments.Speed;
using Spectre.Console;

namespace MechNN.Cli.Commands;

/// <summary>
/// `mechnn bench train lorenz`: whole optimisation steps of the reference Lorenz discovery (networks, library, solve,
/// backward, Adam) with the frozen-LHS, banded and dense solvers in one run, interleaved round by round so machine load
/// hits all alike; median ms per step and the ratio to the dense baseline (the original MNN's solve). The three start
/// from the same weights and batches, so their losses must agree: the table shows by how much.
/// </summary>
internal static class TrainBenchCommand
{
    public static Command Create()
    {
        var device = new Option<string>("--device") { Description = "cpu or cuda", DefaultValueFactory = _ => "cpu" };
        var steps = new Option<int>("--steps") { Description = "Timed steps per solver.", DefaultValueFactory = _ => 20 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed steps first (kernel loading, allocator warm-up).", DefaultValueFactory = _ => 3 };
        var batch = new Option<int>("--batch") { Description = "Windows per step (reference 512).", DefaultValueFactory = _ => 512 };
        var solvers = new Option<string[]>("--solvers")
        {
            Description = "frozen, banded and/or dense (the baseline; always run when listed first or alone it is the reference)",
            DefaultValueFactory = _ => ["frozen", "banded", "dense"], AllowMultipleArgumentsPerToken = true,
        };
        var output = new Option<string?>("--out") { Description = "JSON file (default ./bench-train-lorenz-<device>.json)." };
        var lorenz = new Command("lorenz", "Reference Lorenz discovery training steps (batch 512, 1024-wide MLPs, Adam): ms per step by solver.")
            { device, steps, warmup, batch, solvers, output };
        lorenz.SetAction(p => Run(p, p.GetValue(device)!, p.GetValue(steps), p.GetValue(warmup), p.GetValue(batch), p.GetValue(solvers)!, p.GetValue(output)));
        return new Command("train", "Whole training steps, not only solves.") { lorenz };
    }

    private static int Run(ParseResult parse, string deviceName, int steps, int warmup, int batch, string[] solverNames, string? output)
    {
        if (steps < 1) throw new ArgumentException($"--steps must be ≥ 1 (got {steps})");
        if (warmup < 0) throw new ArgumentException($"--warmup must be ≥ 0 (got {warmup})");
        if (batch < 1) throw new ArgumentException($"--batch must be ≥ 1 (got {batch})");
        var names = solverNames.SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries)).Distinct().ToList();
        var solvers = names.Select(n => Enum.TryParse<LorenzStepSolver>(n, ignoreCase: true, out var s) && Enum.IsDefined(s) && !int.TryParse(n, out _) ? s
            : throw new ArgumentException($"--solvers takes frozen, banded and dense (got '{n}')")).ToList();
        if (solvers.Count == 0) throw new ArgumentException("--solvers: name at least one of frozen, banded, dense");
        var device = BenchCommand.ParseDevice(deviceName);
        var path = Outputs.Result(output, $"bench-train-lorenz-{deviceName}.json");
        Outputs.Check(("--out", path));

        var runs = solvers.Select(s => (Solver: s, Step: new LorenzTrainingStep(s, device, batch), Ms: new List<double>(), Losses: new List<double>())).ToList();
        try
        {
            for (int round = 0; round < warmup + steps; round++)
                foreach (var run in runs)
                {
                    var clock = Stopwatch.StartNew();
                    double loss = run.Step.Step();
                    if (round >= warmup) run.Ms.Add(clock.Elapsed.TotalMilliseconds);
                    run.Losses.Add(loss);
                }
        }
        finally
        {
            foreach (var run in runs) run.Step.Dispose();
        }
        static double Median(List<double> v) { var s = v.Order().ToArray(); return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2; }
        var baseline = runs.FirstOrDefault(r => r.Solver == LorenzStepSolver.Dense);
        var rows = runs.Select(r => new
        {
            solver = r.Solver.ToString().ToLowerInvariant(), medianMs = Median(r.Ms), minMs = r.Ms.Min(),
            speedupOverDense = baseline.Ms is null ? (double?)null : Median(baseline.Ms) / Median(r.Ms),
            maxLossDifferenceToDense = baseline.Losses is null ? (double?)null : r.Losses.Zip(baseline.Losses, (a, b) => Math.Abs(a - b) / Math.Abs(b)).Max(),
            firstLoss = r.Losses[0], lastLoss = r.Losses[^1],
        }).ToList();
        var table = new Table().Title($"Lorenz discovery training step: batch {batch}, T 50, 1024-wide MLPs, Adam, float64, {deviceName}; {steps} timed steps after {warmup}")
            .AddColumns("solver", "median ms / step", "min ms", "× faster than dense", "max rel. loss diff. to dense", "loss first → last");
        foreach (var r in rows)
            table.AddRow(r.solver, r.medianMs.ToString("F2"), r.minMs.ToString("F2"), r.speedupOverDense?.ToString("F2") ?? "–",
                r.maxLossDifferenceToDense?.ToString("E1") ?? "–", $"{r.firstLoss:F3} → {r.lastLoss:F3}");
        AnsiConsole.Write(table);
        Outputs.WriteResult(parse, path, new { device = deviceName, batch, steps, warmup, results = rows });
        return 0;
    }
}

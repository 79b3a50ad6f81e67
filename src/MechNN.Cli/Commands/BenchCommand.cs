using System.CommandLine;
using System.Globalization;
using MechNN.Cli.Bench;
using MechNN.Cli.Rendering;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Cli.Commands;

/// <summary>`mechnn bench solver`: solver timings against the baselines measured in the same run.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Benchmarks that print ratios against baselines measured in the same run.");
        bench.Subcommands.Add(Solver());
        bench.Subcommands.Add(AgreementCommand());
        bench.Subcommands.Add(SineBenchCommand.Create());
        bench.Subcommands.Add(DiscoveryBenchCommand.Create());
        bench.Subcommands.Add(BeyondPolynomialsCommand.Create());
        bench.Subcommands.Add(TrainBenchCommand.Create());
        return bench;
    }

    private static Command Solver()
    {
        var configs = new Option<string[]>("--config") { Description = "Configs to run (default: all): " + string.Join(", ", SolverConfig.All.Select(c => c.Name)), AllowMultipleArgumentsPerToken = true };
        var device = new Option<string>("--device") { Description = "cpu or cuda", DefaultValueFactory = _ => "cpu" };
        var dtype = new Option<string>("--dtype") { Description = "float64 or float32", DefaultValueFactory = _ => "float64" };
        var reps = new Option<int>("--reps") { Description = "Timed repetitions per solver (after one warm-up).", DefaultValueFactory = _ => 10 };
        var budget = new Option<double>("--budget") { Description = "Seconds one solver may spend on one config; slower ones are timed once.", DefaultValueFactory = _ => 20 };
        var formulation = new Option<string>("--formulation") { Description = "smnn (no ε, continuity rows: the S-MNN default the reference figures use) or mnn (ε, central rows)", DefaultValueFactory = _ => "smnn" };
        var output = new Option<string?>("--out") { Description = "JSON file to write (default ./bench-solver-<device>.json)." };
        var methods = new Option<string[]>("--methods") { Description = "Solvers to run (default: all available): " + string.Join(", ", SolverBench.MethodNames), AllowMultipleArgumentsPerToken = true };
        var memory = new Option<bool>("--memory")
        {
            Description = "Also measure each (config, method) in a fresh child process (empty allocator cache) and add a \"peak MiB\" column: "
                + "cuda: device memory in use (cuMemGetInfo), sampled every ~1 ms and after the reps, minus the child's use after CUDA init and a "
                + "warm-up tensor; that is memory reserved by libtorch's cache (≥ allocated) and counts other processes on the GPU. "
                + "cpu: the child's peak resident set minus its baseline.",
        };
        var memoryChild = new Option<bool>("--memory-child") { Description = "Internal: one --memory measurement; prints one line for the parent.", Hidden = true };
        var command = new Command("solver", "Forward + backward of one batched solve: fused/parallel vs torch-ops sequential vs dense oracle.")
            { configs, device, dtype, reps, budget, formulation, output, methods, memory, memoryChild };
        command.SetAction(parse => Run(parse, parse.GetValue(configs), parse.GetValue(device)!, parse.GetValue(dtype)!, parse.GetValue(reps),
            parse.GetValue(budget), parse.GetValue(formulation)!, parse.GetValue(output), parse.GetValue(methods),
            parse.GetValue(memoryChild) ? MemoryMode.Child : parse.GetValue(memory) ? MemoryMode.Parent : MemoryMode.Off));
        return command;
    }

    private enum MemoryMode { Off, Parent, Child }

    private static int Run(ParseResult parse, string[]? names, string deviceName, string dtypeName, int reps, double budget, string formulation, string? output,
        string[]? methods, MemoryMode memory)
    {
        var dev = ParseDevice(deviceName);
        var dtype = dtypeName switch
        {
            "float64" => ScalarType.Float64, "float32" => ScalarType.Float32,
            _ => throw new ArgumentException($"--dtype must be float64 or float32 (got '{dtypeName}')."),
        };
        if (formulation is not ("smnn" or "mnn")) throw new ArgumentException($"--formulation must be smnn or mnn (got '{formulation}').");
        if (reps < 1) throw new ArgumentException($"--reps must be at least 1 (got {reps}).");
        if (!(budget > 0)) throw new ArgumentException($"--budget must be a positive number of seconds (got {budget}).");
        var selected = names is { Length: > 0 }
            ? names.SelectMany(n => n.Split(',')).Select(n => SolverConfig.All.FirstOrDefault(c => c.Name == n)
                ?? throw new ArgumentException($"unknown config '{n}'; known: {string.Join(", ", SolverConfig.All.Select(c => c.Name))}")).ToList()
            : SolverConfig.All.ToList();
        var path = Outputs.Result(output, $"bench-solver-{deviceName}.json");
        var only = methods is { Length: > 0 } ? methods.SelectMany(m => m.Split(',')).ToHashSet() : null;
        foreach (var m in only ?? [])
            if (!SolverBench.MethodNames.Contains(m)) throw new ArgumentException($"--methods: unknown method '{m}'; known: {string.Join(", ", SolverBench.MethodNames)}");
        var bench = new SolverBench(dev, dtype, reps, budget, formulation == "mnn", only);
        if (memory == MemoryMode.Child)
        {
            if (selected.Count != 1 || only?.Count != 1) throw new ArgumentException("--memory-child measures one --config and one --methods entry.");
            AnsiConsole.WriteLine(MemoryProbe.Line(MemoryProbe.Measure(dev, () => bench.Run(selected[0], _ => { }))));
            return 0;
        }
        Outputs.Check(("--out", path));

        var rows = new List<(SolverConfig Config, List<MethodResult> Results)>();
        var peaks = new Dictionary<(string Config, string Method), double>();
        ProgressDisplay.Run(display =>
        {
            var line = display.Add("bench", selected.Count);
            foreach (var config in selected)
            {
                var results = bench.Run(config, line.Describe);
                rows.Add((config, results));
                // Only what was timed: a skipped or failed method has nothing to measure.
                if (memory == MemoryMode.Parent)
                    foreach (var r in results.Where(r => !double.IsNaN(r.MedianMs)))
                    {
                        line.Describe($"{config.Name}: {r.Method}, memory in a child process");
                        string[] child = ["bench", "solver", "--config", config.Name, "--methods", r.Method, "--device", deviceName, "--dtype", dtypeName,
                            "--reps", reps.ToString(CultureInfo.InvariantCulture), "--budget", budget.ToString("R", CultureInfo.InvariantCulture),
                            "--formulation", formulation, "--memory-child"];
                        peaks[(config.Name, r.Method)] = MemoryProbe.RunChild(MemoryChildArguments(child), $"config '{config.Name}', method '{r.Method}'").PeakMib;
                    }
                line.Increment();
            }
        });
        double Peak(SolverConfig c, MethodResult r) => peaks.TryGetValue((c.Name, r.Method), out var mib) ? mib : double.NaN;

        var table = new Table().Title($"forward + backward, {dtypeName}, {deviceName}, {formulation} rows, median of ≤{reps}")
            .AddColumns("config", "method", "median ms", "peak ΔRSS MB", $"× vs {SolverBench.Sequential}", "× vs dense", "rel diff u", "rel diff ∂", "note");
        if (memory == MemoryMode.Parent) table.AddColumn("peak MiB (child)");
        foreach (var (config, results) in rows)
        {
            var seq = results.FirstOrDefault(r => r.Method == SolverBench.Sequential)?.MedianMs ?? double.NaN;
            var dense = results.FirstOrDefault(r => r.Method == "dense-oracle")?.MedianMs ?? double.NaN;
            foreach (var r in results)
            {
                string[] cells = [config.Name + $" ({config.Systems}×{config.Steps}, R={config.Order})", r.Method, Fmt(r.MedianMs), Fmt(Math.Max(r.PeakMb, 0)),
                    Ratio(seq, r.MedianMs), Ratio(dense, r.MedianMs), Diff(r.SolutionDiff), Diff(r.GradientDiff), Markup.Escape(r.Status)];
                table.AddRow(memory == MemoryMode.Parent ? [.. cells, Fmt(Peak(config, r))] : cells);
            }
        }
        AnsiConsole.Write(table);

        var report = new
        {
            device = deviceName, dtype = dtypeName, formulation,
            configs = rows.Select(r => new
            {
                r.Config.Name, r.Config.Systems, r.Config.Steps, r.Config.Order, r.Config.InitialOrders,
                reference_smnn_h100_ms = r.Config.SmnnMs, target_h100_ms = r.Config.TargetMs,
                results = r.Results.Select(x => new { x.Method, median_ms = Json(x.MedianMs), min_ms = Json(x.MinMs), peak_mb = Json(x.PeakMb), peak_mib = Json(Peak(r.Config, x)), rel_diff_u = Exact(x.SolutionDiff), rel_diff_grad = Exact(x.GradientDiff), x.Status }),
            }),
        };
        Outputs.WriteResult(parse, path, report);
        return 0;
    }

    private static Command AgreementCommand()
    {
        var device = new Option<string>("--device") { Description = "cpu or cuda", DefaultValueFactory = _ => "cpu" };
        var steps = new Option<int>("--steps") { Description = "Steps per problem.", DefaultValueFactory = _ => 9 };
        var command = new Command("agreement",
            "Every banded backend on the device vs the CPU references (values: dense oracle, gradients: torch-ops sequential) over 235 problem shapes (15 of them T = 600, the GPU's parallel-in-time path); exit 1 above 1e-8 (u, ε) or 1e-5 (gradients).")
            { device, steps };
        command.SetAction(parse => Agreement(parse.GetValue(device)!, parse.GetValue(steps)));
        return command;
    }

    /// <summary>u, ε: as the dense-vs-banded tests. Gradients: the CPU backends themselves differ by up to ~2e-6 at R = 4
    /// (cond(M) ≈ 1e11; the h^j-scaled step gradients cancel), so 1e-5 there.</summary>
    internal const double ValueTolerance = 1e-8, GradientTolerance = 1e-5;

    private static int Agreement(string deviceName, int steps)
    {
        if (steps < 3) throw new ArgumentException("--steps must be at least 3.");
        var check = new AgreementCheck(ParseDevice(deviceName), steps);
        List<Agreement> results = [];
        ProgressDisplay.Run(display => { var line = display.Add("agreement"); results = check.Run(line.Describe); line.Complete(); });
        var table = new Table().Title($"max relative difference (u, ε vs the dense oracle; gradients vs torch-sequential on the CPU), {deviceName}, T = {steps}")
            .AddColumns("backend", "cases", "u, ε", "gradients", "worst case", "near-singular probes: u, ε", "ill-posed members named");
        foreach (var r in results)
            table.AddRow(r.Backend, r.Cases.ToString(), r.WorstValue.ToString("E1"), r.WorstGradient.ToString("E1"), Markup.Escape(r.WorstCase), r.ProbeValue.ToString("E1"),
                r.IllPosedNamed ? "yes" : "[red]no[/]");
        AnsiConsole.Write(table);
        foreach (var r in results.Where(r => r.Refused.Count > 0))
            AnsiConsole.MarkupLine($"[red]{Markup.Escape(r.Backend)} refused well-posed problems:[/] {Markup.Escape(string.Join("; ", r.Refused))}");
        var failed = results.Where(r => !(r.WorstValue <= ValueTolerance && r.WorstGradient <= GradientTolerance && r.IllPosedNamed && r.Refused.Count == 0)).ToList();
        foreach (var f in failed) AnsiConsole.MarkupLine($"[red]{Markup.Escape(f.Backend)} disagrees beyond {ValueTolerance:E0} (u, ε) or {GradientTolerance:E0} (gradients), or missed ill-posed members[/]");
        return failed.Count == 0 ? 0 : 1;
    }

    /// <summary>The --memory child's arguments as started; tests replace it to make a child fail.</summary>
    internal static Func<string[], string[]> MemoryChildArguments { get; set; } = arguments => arguments;

    internal static Device ParseDevice(string name) => name switch
    {
        "cpu" => CPU,
        "cuda" when cuda.is_available() => CUDA,
        "cuda" => throw new ArgumentException("--device cuda: no CUDA device is available to TorchSharp here."),
        _ => throw new ArgumentException($"--device must be cpu or cuda (got '{name}')."),
    };

    private static double? Json(double v) => double.IsNaN(v) ? null : Math.Round(v, 6);
    private static double? Exact(double v) => double.IsNaN(v) ? null : v;
    private static string Diff(double v) => double.IsNaN(v) ? "" : v.ToString("E1", CultureInfo.InvariantCulture);
    private static string Fmt(double v) => double.IsNaN(v) ? "–" : v < 10 ? v.ToString("F3") : v.ToString("F1");
    private static string Ratio(double baseline, double v) => double.IsNaN(baseline) || double.IsNaN(v) || v <= 0 ? "–" : (baseline / v).ToString("F1");
}

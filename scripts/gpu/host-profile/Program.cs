// Where the time of one forward + backward solve goes on a GPU (docs/results/gpu-h200.md, issue 15): the host's wall
// time through each phase of `bench solver`'s timed repetition, each phase ended by a device synchronisation, so the
// differences between rows are what each phase adds. Public API only; the problems are bench solver's shapes.
// usage: HostProfile [cuda|cpu] [reps] [config ...]      configs: lorenz kdv sine1000 long1k wide, and train: whole
// steps of `bench train lorenz` (banded solver), timed alone, for a kernel profiler to count what one step launches.
// HP_WARM=N sets the warm-up repetitions (20); HP_ONLY_FULL=1 runs only whole repetitions, for a kernel profiler:
//   HP_WARM=3 HP_ONLY_FULL=1 ncu --clock-control none --metrics gpu__time_duration.sum --csv HostProfile cuda 2 lorenz
using System.Diagnostics;
using MechNN.Ode;
using MechNN.Ode.Solvers.Banded;
using TorchSharp;
using static TorchSharp.torch;

MechNN.Runtime.NativeSetup.EnsureLoaded();
var device = new Device(args.Length > 0 ? args[0] : "cuda");
int reps = args.Length > 1 ? int.Parse(args[1]) : 200;
var names = args.Length > 2 ? args[2..] : new[] { "lorenz", "kdv", "sine1000", "long1k", "wide" };
var shapes = new Dictionary<string, (int B, int T, int R, int K)>
{
    ["lorenz"] = (1536, 50, 2, 1), ["kdv"] = (8192, 10, 4, 4), ["sine1000"] = (1, 1000, 2, 0),
    ["long1k"] = (64, 1000, 2, 1), ["wide"] = (65536, 50, 2, 1),
};
void Sync() { if (device.type == DeviceType.CUDA) cuda.synchronize(); }

foreach (var name in names)
{
    if (name == "train")
    {
        using var step = new MechNN.Experiments.Speed.LorenzTrainingStep(MechNN.Experiments.Speed.LorenzStepSolver.Banded, device);
        int warmSteps = int.TryParse(Environment.GetEnvironmentVariable("HP_WARM"), out var ws) ? ws : 5;
        for (int i = 0; i < warmSteps; i++) step.Step();
        var t = Enumerable.Range(0, reps).Select(_ => { var sw = Stopwatch.StartNew(); step.Step(); return sw.Elapsed.TotalMilliseconds; }).Order().ToList();
        Console.WriteLine($"train lorenz (banded): median {t[t.Count / 2]:F3} ms, min {t[0]:F3} ms per optimisation step over {reps}");
        continue;
    }
    var (B, T, R, K) = shapes[name];
    var spec = OdeSpec.Smnn(R) with { InitialSteps = K > 0 ? 1 : 0, InitialOrders = Math.Max(1, K) };
    var g = manual_seed(20261123);
    var c0 = randn(new long[] { B, T, 1, 1, R + 1 }, dtype: ScalarType.Float64, generator: g);
    c0.select(-1, R).abs_().add_(1);
    var c = c0.to(device);
    var b = randn(new long[] { B, T, 1 }, dtype: ScalarType.Float64, generator: g).to(device);
    Tensor? iv = K > 0 ? randn(new long[] { B, 1, 1, K }, dtype: ScalarType.Float64, generator: g).to(device) : null;
    var h = full(new long[] { B, T - 1 }, 0.01, dtype: ScalarType.Float64).to(device);
    var w = randn(new long[] { B, T, 1, R + 1 }, dtype: ScalarType.Float64, generator: g).to(device);
    var solver = new BandedSolver();

    // stage: 0 leaves, 1 + validated problem, 2 + solve, 3 + loss, 4 + backward; each ends with a synchronisation.
    double Rep(int stage)
    {
        using var scope = NewDisposeScope();
        var sw = Stopwatch.StartNew();
        var leaves = new[] { c, b, iv, h }.OfType<Tensor>().Select(x => x.detach().requires_grad_(true)).ToArray();
        if (stage >= 1)
        {
            var p = OdeProblem.Create(spec, leaves[0], leaves[1], iv is null ? null : leaves[2], leaves[^1]);
            if (stage >= 2)
            {
                var s = solver.Solve(p);
                if (stage >= 3)
                {
                    var loss = (s.U * w).sum() + s.Epsilon.sum();
                    if (stage >= 4) loss.backward();
                }
            }
        }
        Sync();
        return sw.Elapsed.TotalMilliseconds;
    }
    double Median(Func<double> f)
    {
        var t = Enumerable.Range(0, reps).Select(_ => f()).ToList();
        t.Sort();
        return t[t.Count / 2];
    }
    int warm = int.TryParse(Environment.GetEnvironmentVariable("HP_WARM"), out var wv) ? wv : 20;
    for (int i = 0; i < warm; i++) Rep(4);
    if (Environment.GetEnvironmentVariable("HP_ONLY_FULL") == "1") { for (int r = 0; r < reps; r++) Rep(4); continue; }
    double syncOnly = Median(() => { var sw = Stopwatch.StartNew(); Sync(); return sw.Elapsed.TotalMilliseconds; });
    double oneOp = Median(() => { var sw = Stopwatch.StartNew(); using (var y = h.add(1)) Sync(); return sw.Elapsed.TotalMilliseconds; });
    double oneRead = Median(() => { var sw = Stopwatch.StartNew(); using (var y = h.max()) y.item<double>(); return sw.Elapsed.TotalMilliseconds; });
    double transpose = Median(() => { var sw = Stopwatch.StartNew(); using (var y = c.view(B, -1).t().contiguous()) Sync(); return sw.Elapsed.TotalMilliseconds; });
    // Interleaved stages, so slow drifts of the machine touch every stage alike.
    var stages = new List<double>[5];
    for (int s = 0; s < 5; s++) stages[s] = new List<double>();
    for (int r = 0; r < reps; r++) for (int s = 0; s < 5; s++) stages[s].Add(Rep(s));
    var med = stages.Select(l => { l.Sort(); return l[l.Count / 2]; }).ToArray();
    Console.WriteLine($"{name} B={B} T={T} R={R}: sync {syncOnly:F3}  one op+sync {oneOp:F3}  one reduction+read {oneRead:F3}  transpose copy {transpose:F3} ms");
    Console.WriteLine($"  leaves {med[0]:F3} | +create {med[1] - med[0]:F3} | +solve {med[2] - med[1]:F3} | +loss {med[3] - med[2]:F3} | +backward {med[4] - med[3]:F3} | full {med[4]:F3} ms");
}

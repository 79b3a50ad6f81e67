// Tuning driver for MNN discovery (docs/results/discovery.md): MechanisticDiscovery on MeasurementNoise.Add(clean, level, seed)
// of the sweep systems, for TUNING seeds (100 and up; the sweep scores 0–49). SHOW=1 prints each true term's relative
// error, SHOW=3 the wrong or missing terms of each failed seed, SHOW=4 each seed's error and how the trajectory refit went.
using System.Diagnostics;
using MechNN.Discovery;
using MechNN.Discovery.Libraries;
using MechNN.Experiments.DiscoveryTasks;
using MechNN.Experiments.Systems;

// usage: scratch systems noises seeds [key=value ...]   (window, stride, cycles, fromsol, freestart, order, refit)
var systems = args[0].Split(',');
var noises = args[1].Split(',').Select(double.Parse).ToArray();
var seeds = args[2].Split(',').Select(int.Parse).ToArray();
var o = MechanisticDiscoveryOptions.DataDriven;
foreach (var kv in args.Skip(3))
{
    var (k, v) = (kv.Split('=')[0], kv.Split('=')[1]);
    o = k switch
    {
        "window" => o with { Window = int.Parse(v) },
        "stride" => o with { Stride = int.Parse(v) },
        "cycles" => o with { Cycles = int.Parse(v) },
        "fromsol" => o with { FeaturesFromSolution = bool.Parse(v) },
        "freestart" => o with { FreeStart = bool.Parse(v) },
        "order" => o with { Order = int.Parse(v) },
        "refit" => o with { TrajectoryRefit = bool.Parse(v) },
        _ => throw new ArgumentException(k),
    };
}
foreach (var name in systems)
{
    var system = DiscoverySweep.System(name);
    var (clean, t) = DiscoverySweep.Clean(system);
    var truth = DiscoverySweep.Truth(system, clean);
    foreach (var noise in noises)
    {
        var errs = new List<double>(); int exact = 0; var sw = Stopwatch.StartNew(); string win = "";
        foreach (var seed in seeds)
        {
            var x = MeasurementNoise.Add(clean, noise, seed);
            var oo = o with { Seed = seed };
            var model = new MechanisticDiscovery(new PolynomialLibrary(x[0].Length, system.Degree), oo).Fit(x, system.Dt);
            var s = TermScore.Of(truth, model.Coefficients);
            if (Environment.GetEnvironmentVariable("SHOW") == "1")
                Console.WriteLine($"  seed {seed}: " + string.Join("  ", Enumerable.Range(0, truth.Length).SelectMany(d => Enumerable.Range(0, truth[d].Length).Where(f => truth[d][f] != 0).Select(f => $"{(model.Coefficients[d][f] - truth[d][f]) / Math.Abs(truth[d][f]):P2}"))));
            if (Environment.GetEnvironmentVariable("SHOW") == "3" && (s.Wrong > 0 || s.Missing > 0))
                Console.WriteLine($"  seed {seed}: threshold {(model.Settings.TryGetValue("threshold", out var th) ? th : double.NaN)}; " + string.Join("  ", Enumerable.Range(0, truth.Length).SelectMany(d => Enumerable.Range(0, truth[d].Length)
                    .Where(f => (truth[d][f] == 0) != (model.Coefficients[d][f] == 0)).Select(f => $"eq {d} term {f}: {model.Coefficients[d][f]:G4} (true {truth[d][f]:G4})"))));
            if (Environment.GetEnvironmentVariable("SHOW") == "4") Console.WriteLine($"  seed {seed}: err {s.MaxRelativeError:P2} refit {string.Join(" ", new[] { "trajectoryRefit", "refitIterations", "refitCostRatio", "refitPruned" }.Select(k => model.Settings.TryGetValue(k, out var v) ? $"{k}={v:G4}" : ""))}");
            errs.Add(s.MaxRelativeError); if (s.Wrong == 0 && s.Missing == 0) exact++;
            win = $"w{model.Settings["window"]}/{model.Settings["stride"]}";
        }
        var sorted = errs.Order().ToArray();
        double med = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        double rms = Math.Sqrt(errs.Average(e => e * e));
        Console.WriteLine($"{name,-11} {noise,5:P0} {win,-8} exact {exact}/{seeds.Length} median {med:P2} rms {rms:P2}  seeds [{string.Join(" ", errs.Select(e => e.ToString("P2")))}]  {sw.Elapsed.TotalSeconds / seeds.Length:F1}s/fit");
    }
}

// SINDy vs MNN discovery on a CSV trajectory: the same library, the same data, the two methods side by side.
// The default file is a damped linear oscillator (x0' = −0.1 x0 + 2 x1, x1' = −2 x0 − 0.1 x1) with 0.1% noise,
// written by `mechnn datagen linear-sho --steps 500 --dt 0.02 --noise 0.001`. Pass another CSV (a t column, then states).
using System.Diagnostics;
using MechNN.Discovery;
using MechNN.Discovery.Libraries;
using MechNN.Discovery.Sindy;
using MechNN.IO.Csv;

var path = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "linear-sho.csv");
var data = TrajectoryCsv.Read(path);
Console.WriteLine($"{Path.GetFileName(path)}: {data.Times.Length} samples of {string.Join(", ", data.Names)}");

var library = new PolynomialLibrary(data.Names.Count, degree: 2);
IDiscoveryMethod[] methods =
[
    new SindyModel(library, new Stlsq(threshold: 0.05)),                                            // finite differences + STLSQ
    new MechanisticDiscovery(library, new MechanisticDiscoveryOptions { Threshold = 0.05, Stride = 5, Cycles = 3, EpochsPerCycle = 2, Seed = 0 }), // windows solved by the MNN layer
];
foreach (var method in methods)
{
    var watch = Stopwatch.StartNew();
    DiscoveredModel model = method.Fit(data.States, data.Times, data.Names);
    Console.WriteLine($"{method.GetType().Name} ({watch.Elapsed.TotalSeconds:F1} s, R² of the derivatives {model.Score(data.States, data.Times):F5}):");
    foreach (var line in model.Equations()) Console.WriteLine("  " + line);
}

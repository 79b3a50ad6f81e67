// Loading a saved model: a model file (written by `mechnn discover -o` or DiscoveredModel.Save) is read back with its
// method, library and coefficients, then printed and simulated. The default file was written by
// `mechnn discover linear-sho.csv --method sindy --threshold 0.05 -o linear-sho.model.json` (see ../DiscoveryCsv).
using MechNN.Discovery;

var path = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "linear-sho.model.json");
var model = DiscoveredModel.Load(path);            // a wrong kind, a truncated file or bad shapes: ModelFileException naming it
Console.WriteLine($"{Path.GetFileName(path)}: {model.Method} on {model.FeatureNames.Count} candidate terms");
foreach (var line in model.Equations()) Console.WriteLine("  " + line);

// Dormand–Prince from x = (2, 0) to t = 10; a diverging model would throw IntegrationDivergedException with the time.
var times = Enumerable.Range(0, 11).Select(i => (double)i).ToArray();
var states = model.Simulate(new[] { 2.0, 0 }, times);
foreach (var (t, x) in times.Zip(states).Where((_, i) => i % 5 == 0))
    Console.WriteLine($"  t = {t,4:F1}: ({string.Join(", ", x.Select(v => v.ToString("F4")))})");

using MechNN.Experiments.TwoBody;

namespace MechNN.Cli.Rendering;

/// <summary>PNG of the 2-body orbits after the training window: truth solid, each model's forecast in its own pattern.</summary>
internal static class OrbitPlot
{
    public static void Save(string path, double[][] truth, IEnumerable<TwoBodyForecast> forecasts)
    {
        var p = new ScottPlot.Plot();
        var patterns = new[] { ScottPlot.LinePattern.Dashed, ScottPlot.LinePattern.Dotted, ScottPlot.LinePattern.DenselyDashed };
        var scored = forecasts.Where(f => f.States.Length > 0).ToList();
        for (int body = 0; body < 2; body++)
        {
            p.Add.ScatterLine(truth.Select(s => s[2 * body]).ToArray(), truth.Select(s => s[2 * body + 1]).ToArray()).LegendText = $"body {body + 1} (m = {(body == 0 ? 10 : 20)}), truth";
            for (int m = 0; m < scored.Count; m++)
            {
                var f = scored[m].States;
                var line = p.Add.ScatterLine(f.Select(s => s[2 * body]).ToArray(), f.Select(s => s[2 * body + 1]).ToArray());
                line.LegendText = $"body {body + 1}, {scored[m].Model} forecast";
                line.LinePattern = patterns[m % patterns.Length];
            }
        }
        p.Title("2-body: orbits after the training window (MNN vs Neural ODE)");
        p.ShowLegend();
        p.Axes.SquareUnits();
        PlotImage.Save(p, path, 800, 700);
    }
}

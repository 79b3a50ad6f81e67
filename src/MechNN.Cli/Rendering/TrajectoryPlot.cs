using MechNN.IO.Csv;

namespace MechNN.Cli.Rendering;

/// <summary>
/// PNG of data against models' simulations: every state on one plot in its own colour, the data solid, each model in
/// the same colour with its own dash pattern.
/// </summary>
internal static class TrajectoryPlot
{
    private static readonly ScottPlot.LinePattern[] Patterns = [ScottPlot.LinePattern.Dashed, ScottPlot.LinePattern.Dotted, ScottPlot.LinePattern.DenselyDashed];

    public static void Save(string path, Trajectory data, double[][] simulated, string title) => Save(path, data, [("model", simulated)], title);

    public static void Save(string path, Trajectory data, IReadOnlyList<(string Label, double[][] States)> models, string title)
    {
        var plot = new ScottPlot.Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (int d = 0; d < data.Names.Count; d++)
        {
            var colour = palette.GetColor(d);
            var observed = plot.Add.ScatterLine(data.Times, data.States.Select(r => r[d]).ToArray(), colour);
            observed.LegendText = $"{data.Names[d]} data";
            observed.LineWidth = 2;
            for (int m = 0; m < models.Count; m++)
            {
                var line = plot.Add.ScatterLine(data.Times[..models[m].States.Length], models[m].States.Select(r => r[d]).ToArray(), colour);
                line.LegendText = $"{data.Names[d]} {models[m].Label}";
                line.LinePattern = Patterns[m % Patterns.Length];
            }
        }
        plot.Title(title);
        plot.XLabel("t");
        plot.ShowLegend();
        PlotImage.Save(plot, path, 1000, 500);
    }
}

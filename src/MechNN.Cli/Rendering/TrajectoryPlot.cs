using MechNN.IO.Csv;

namespace MechNN.Cli.Rendering;

/// <summary>PNG of data against a model's simulation: every state on one plot, data solid, model dashed in the same colour.</summary>
internal static class TrajectoryPlot
{
    public static void Save(string path, Trajectory data, double[][] simulated, string title)
    {
        var plot = new ScottPlot.Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (int d = 0; d < data.Names.Count; d++)
        {
            var colour = palette.GetColor(d);
            var observed = plot.Add.ScatterLine(data.Times, data.States.Select(r => r[d]).ToArray(), colour);
            observed.LegendText = $"{data.Names[d]} data";
            observed.LineWidth = 2;
            var model = plot.Add.ScatterLine(data.Times, simulated.Select(r => r[d]).ToArray(), colour);
            model.LegendText = $"{data.Names[d]} model";
            model.LinePattern = ScottPlot.LinePattern.Dashed;
        }
        plot.Title(title);
        plot.XLabel("t");
        plot.ShowLegend();
        PlotImage.Save(plot, path, 1000, 500);
    }
}

namespace MechNN.Cli.Rendering;

/// <summary>PNG of a 1-D fit: the noisy target as points, the noise-free signal, and each model's fitted curve.</summary>
internal static class SignalFitPlot
{
    public static void Save(string path, double[] times, double[] noisy, double[] clean, IReadOnlyList<(string Label, double[] Fit)> fits, string title)
    {
        var plot = new ScottPlot.Plot();
        var target = plot.Add.ScatterPoints(times, noisy, ScottPlot.Colors.Gray);
        target.LegendText = "noisy target (last iteration)";
        target.MarkerSize = 3;
        var signal = plot.Add.ScatterLine(times, clean, ScottPlot.Colors.Black);
        signal.LegendText = "noise-free signal";
        signal.LinePattern = ScottPlot.LinePattern.Dashed;
        var palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < fits.Count; i++)
        {
            var line = plot.Add.ScatterLine(times, fits[i].Fit, palette.GetColor(i));
            line.LegendText = fits[i].Label;
            line.LineWidth = 2;
        }
        plot.Title(title);
        plot.XLabel("t");
        plot.ShowLegend();
        PlotImage.Save(plot, path, 1000, 500);
    }
}

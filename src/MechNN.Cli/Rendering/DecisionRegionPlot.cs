using MechNN.Experiments.Circles;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Cli.Rendering;

/// <summary>PNG of a classifier's score over [−2, 2]² (heatmap) with the test points on top.</summary>
internal static class DecisionRegionPlot
{
    public static void Save(string path, CircleClassifier model, Tensor xTest, Tensor yTest, string title, int resolution = 120)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var axis = linspace(-2, 2, resolution, dtype: ScalarType.Float64);
        var grid = stack(new[] { axis.repeat(resolution), axis.repeat_interleave(resolution) }, 1);   // row-major: y outer, x inner
        var scores = model.forward(grid).clamp(-1.5, 1.5).reshape(resolution, resolution).data<double>().ToArray();
        var values = new double[resolution, resolution];
        for (int i = 0; i < resolution; i++)
            for (int j = 0; j < resolution; j++) values[resolution - 1 - i, j] = scores[i * resolution + j];   // image rows go top-down

        var plot = new ScottPlot.Plot();
        var heatmap = plot.Add.Heatmap(values);
        heatmap.Extent = new ScottPlot.CoordinateRect(-2, 2, -2, 2);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        var points = xTest.data<double>().ToArray();
        var labels = yTest.data<double>().ToArray();
        foreach (var (sign, colour) in new[] { (-1.0, ScottPlot.Colors.White), (1.0, ScottPlot.Colors.Red) })
        {
            var xs = Enumerable.Range(0, labels.Length).Where(i => labels[i] == sign).Select(i => points[2 * i]).ToArray();
            var ys = Enumerable.Range(0, labels.Length).Where(i => labels[i] == sign).Select(i => points[2 * i + 1]).ToArray();
            var scatter = plot.Add.ScatterPoints(xs, ys, colour);
            scatter.MarkerSize = 4;
        }
        plot.Title(title);
        PlotImage.Save(plot, path, 520, 500);
    }
}

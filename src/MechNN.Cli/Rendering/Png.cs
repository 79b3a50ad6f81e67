using MechNN.IO;

namespace MechNN.Cli.Rendering;

/// <summary>Saves a plot as PNG through the shared atomic writer: no half-written image is ever left behind.</summary>
internal static class Png
{
    public static string Save(ScottPlot.Plot plot, string path, int width, int height)
    {
        var bytes = plot.GetImageBytes(width, height, ScottPlot.ImageFormat.Png);
        AtomicFile.Write(path, stream => stream.Write(bytes));
        return Path.GetFullPath(path);
    }
}

namespace MechNN.Cli.Rendering;

/// <summary>Saves a plot as PNG atomically (temp file + rename): no half-written image is ever left behind.</summary>
internal static class Png
{
    public static string Save(ScottPlot.Plot plot, string path, int width, int height)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + ".tmp.png";
        plot.SavePng(temp, width, height);
        File.Move(temp, full, overwrite: true);
        return full;
    }
}

using MechNN.IO;
using ScottPlot;

namespace MechNN.Cli.Rendering;

/// <summary>
/// Saves a plot in the format its file extension names (.png, .jpg/.jpeg, .bmp, .webp: what ScottPlot renders), through
/// the shared atomic writer, so no half-written image is ever left behind and a .jpg never holds PNG bytes.
/// </summary>
internal static class PlotImage
{
    private static readonly Dictionary<string, ImageFormat> Formats = new(StringComparer.OrdinalIgnoreCase)
    {
        [".png"] = ImageFormat.Png, [".jpg"] = ImageFormat.Jpeg, [".jpeg"] = ImageFormat.Jpeg,
        [".bmp"] = ImageFormat.Bmp, [".webp"] = ImageFormat.Webp,
    };

    private static int _fontsChecked;

    /// <summary>
    /// The warning for a machine without fonts (<paramref name="families"/> = 0), else null: ScottPlot then renders every
    /// title, axis label, tick and colour-bar number as nothing, without an error (seen on a bare GPU host).
    /// </summary>
    internal static string? MissingFontsWarning(int families) => families > 0 ? null
        : "warning: this machine has no fonts, so the plots are written without any text (titles, axes, colour bars); install one, e.g. `apt-get install fonts-dejavu-core`";

    /// <summary>The format <paramref name="path"/>'s extension names; an <see cref="ArgumentException"/> naming <paramref name="option"/> otherwise.</summary>
    public static ImageFormat FormatOf(string path, string option = "--plot") =>
        Formats.TryGetValue(Path.GetExtension(path), out var format) ? format
            : throw new ArgumentException($"{option} {path}: the image format is taken from the extension; use one of {string.Join(", ", Formats.Keys)}");

    /// <summary>Renders <paramref name="plot"/> at <paramref name="width"/>×<paramref name="height"/> into <paramref name="path"/>; returns its full path.</summary>
    public static string Save(Plot plot, string path, int width, int height)
    {
        if (Interlocked.Exchange(ref _fontsChecked, 1) == 0 && MissingFontsWarning(SkiaSharp.SKFontManager.Default.FontFamilyCount) is { } warning)
            Console.Error.WriteLine(warning);
        var bytes = plot.GetImageBytes(width, height, FormatOf(path));
        AtomicFile.Write(path, stream => stream.Write(bytes));
        return Path.GetFullPath(path);
    }
}

using System.Globalization;

namespace MechNN.Cli.Commands;

/// <summary>Small option parsers shared by the commands.</summary>
internal static class Parse
{
    public static double[] Vector(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !double.IsFinite(values[i]))
                throw new ArgumentException($"{option}: '{parts[i]}' is not a number (expected comma-separated values, e.g. 1,1,1)");
        return values;
    }
}

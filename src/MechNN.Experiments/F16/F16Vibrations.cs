using System.Globalization;

namespace MechNN.Experiments.F16;

/// <summary>
/// The F-16 ground-vibration-test record (Noël &amp; Schoukens 2017) as the SONODE/MNN experiments use it: the first
/// <c>count</c> rows, Acceleration1 (forcing) and Acceleration2 (target), each mean-centred over those rows; one sample
/// is one time unit.
/// </summary>
public sealed record F16Vibrations(double[] Forcing, double[] Target)
{
    public static F16Vibrations Load(string path, int count = 5000)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: F-16 record not found");
        using var reader = new StreamReader(path);
        var header = reader.ReadLine() ?? throw new FormatException($"{path}: empty file");
        var columns = header.Split(',').Select(c => c.Trim().Trim('"')).ToList();
        int a1 = columns.IndexOf("Acceleration1"), a2 = columns.IndexOf("Acceleration2");
        if (a1 < 0 || a2 < 0) throw new FormatException($"{path}, row 1: no Acceleration1/Acceleration2 columns (found {string.Join(", ", columns)})");
        var forcing = new List<double>(count);
        var target = new List<double>(count);
        int row = 1;
        while (forcing.Count < count && reader.ReadLine() is { } line)
        {
            row++;
            var cells = line.Split(',');
            if (cells.Length <= Math.Max(a1, a2)) throw new FormatException($"{path}, row {row}: {cells.Length} cells, expected at least {Math.Max(a1, a2) + 1}");
            forcing.Add(ParseCell(cells[a1], path, row, "Acceleration1"));
            target.Add(ParseCell(cells[a2], path, row, "Acceleration2"));
        }
        if (forcing.Count < count) throw new FormatException($"{path}: {forcing.Count} data rows, {count} needed");
        double m1 = forcing.Average(), m2 = target.Average();
        return new F16Vibrations(forcing.Select(v => v - m1).ToArray(), target.Select(v => v - m2).ToArray());
    }

    private static double ParseCell(string cell, string path, int row, string column) =>
        double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v : throw new FormatException($"{path}, row {row}, column '{column}': '{cell}' is not a finite number");
}

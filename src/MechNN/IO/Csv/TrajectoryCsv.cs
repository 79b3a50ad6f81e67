using System.Globalization;
using System.Text;
using CsvHelper;

namespace MechNN.IO.Csv;

/// <summary>
/// Reads and writes trajectory CSV files: a header row, then one sample per row; a column named "t" (or "time") holds the
/// times, otherwise a step dt must be given. Every problem is reported with file, row and column; writes are atomic.
/// </summary>
public static class TrajectoryCsv
{
    /// <summary>Reads a trajectory: a header of names (the first column is time unless <paramref name="dt"/> is given), then numeric rows.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="dt">Uniform step when the file has no time column.</param>
    /// <param name="minimumRows">Fewest data rows accepted.</param>
    /// <returns>Names, times and states.</returns>
    /// <exception cref="TrajectoryCsvException">A missing file, bad header or cell, non-increasing time, too few rows; names the file, row and column.</exception>
    public static Trajectory Read(string path, double? dt = null, int minimumRows = 3)
    {
        if (!File.Exists(path)) throw new TrajectoryCsvException(path, null, null, "file not found");
        using var csv = CsvReader.Create(new StreamReader(path), new CsvReaderOptions { HasHeader = false, Separator = ',', TrimWhitespace = true }, false);
        int row = 1;
        try { if (!csv.Read()) throw new TrajectoryCsvException(path, 1, null, "the file is empty"); }
        catch (Exception ex) when (ex is not TrajectoryCsvException) { throw new TrajectoryCsvException(path, 1, null, ex.Message); }
        var header = Enumerable.Range(0, csv.FieldCount).Select(i => csv.GetString(i)).ToArray();
        CheckHeader(path, header);
        int timeColumn = Array.FindIndex(header, h => h.Equals("t", StringComparison.OrdinalIgnoreCase) || h.Equals("time", StringComparison.OrdinalIgnoreCase));
        if (timeColumn < 0 && dt is null) throw new TrajectoryCsvException(path, 1, null, "no 't' or 'time' column and no --dt given");
        if (dt is <= 0) throw new TrajectoryCsvException(path, null, null, $"dt must be positive (got {dt})");
        var names = header.Where((_, i) => i != timeColumn).ToList();
        if (names.Count == 0) throw new TrajectoryCsvException(path, 1, null, "no state columns");
        for (int i = 0; i < header.Length; i++)
            if (string.IsNullOrWhiteSpace(header[i])) throw new TrajectoryCsvException(path, 1, $"#{i + 1}", "empty column name");

        var times = new List<double>();
        var states = new List<double[]>();
        while (ReadRow(csv, path, row + 1))
        {
            row++;
            if (csv.FieldCount != header.Length)
                throw new TrajectoryCsvException(path, row, null, $"{csv.FieldCount} cells but the header has {header.Length}");
            var state = new double[names.Count];
            int k = 0;
            for (int c = 0; c < header.Length; c++)
            {
                var cell = csv.GetString(c);
                if (SpansLines(cell)) throw new TrajectoryCsvException(path, row, header[c], UnclosedQuote);
                if (string.IsNullOrWhiteSpace(cell)) throw new TrajectoryCsvException(path, row, header[c], "missing value");
                if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
                    throw new TrajectoryCsvException(path, row, header[c], $"'{cell}' is not a finite number");
                if (c == timeColumn) times.Add(value); else state[k++] = value;
            }
            if (timeColumn < 0) times.Add((row - 2) * dt!.Value);
            else if (times.Count > 1 && !(times[^1] > times[^2]))
                throw new TrajectoryCsvException(path, row, header[timeColumn], times[^1] == times[^2] ? $"duplicate time {times[^1]}" : $"time {times[^1]} is not after {times[^2]}");
            states.Add(state);
        }
        if (states.Count < minimumRows) throw new TrajectoryCsvException(path, null, null, $"{states.Count} data rows; at least {minimumRows} are needed");
        for (int j = 0; j < names.Count; j++)
            if (states.All(s => s[j] == states[0][j])) throw new TrajectoryCsvException(path, null, names[j], "the column is constant: it carries no dynamics");
        return new Trajectory(names, times.ToArray(), states.ToArray());
    }

    private const string UnclosedQuote = "unclosed quote: the quoted field runs on over the following lines";

    // A quoted field that swallows line ends is, in a numeric file, an unclosed quote; a single column whose name holds
    // another separator is a file written with that separator. Both would otherwise surface as "0 data rows".
    private static void CheckHeader(string path, string[] header)
    {
        for (int i = 0; i < header.Length; i++)
            if (SpansLines(header[i])) throw new TrajectoryCsvException(path, 1, null, UnclosedQuote);
        if (header.Length == 1 && new[] { (';', "';'"), ('\t', "tab"), ('|', "'|'") }.FirstOrDefault(s => header[0].Contains(s.Item1)) is { Item2: not null } found)
            throw new TrajectoryCsvException(path, 1, null, $"row 1 has 1 column ('{header[0]}'): is the separator {found.Item2}? Trajectory files are comma-separated");
        for (int i = 0; i < header.Length; i++)
            for (int j = 0; j < i; j++)
                if (header[i].Equals(header[j], StringComparison.OrdinalIgnoreCase))
                    throw new TrajectoryCsvException(path, 1, header[i], $"duplicate column name (columns #{j + 1} and #{i + 1})");
    }

    private static bool SpansLines(string cell) => cell.AsSpan().IndexOfAny('\n', '\r') >= 0;

    private static bool ReadRow(CsvReader csv, string path, int row)
    {
        try { return csv.Read(); }
        catch (Exception ex) { throw new TrajectoryCsvException(path, row, null, ex.Message); }
    }

    /// <summary>Writes t and the states; the file appears only when complete (<see cref="AtomicFile"/>).</summary>
    /// <param name="path">The file to write (its folder is created).</param>
    /// <param name="trajectory">Names, times and states.</param>
    /// <param name="cancel">Stops a long write; the temp file is removed and nothing is written.</param>
    /// <exception cref="ArgumentException">A time or state is NaN or ±∞ (named by row and column; nothing is written).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> was cancelled during the write.</exception>
    public static void Write(string path, Trajectory trajectory, CancellationToken cancel = default)
    {
        CheckFinite(path, trajectory);
        AtomicFile.Write(path, cancel: cancel, write: stream =>
        {
            using var csv = CsvWriter.Create(new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true), new CsvWriterOptions(), false);
            csv.WriteRecord(new[] { "t" }.Concat(trajectory.Names).ToArray());
            for (int i = 0; i < trajectory.Times.Length; i++)
                csv.WriteRecord(new[] { trajectory.Times[i] }.Concat(trajectory.States[i]).Select(v => v.ToString("R", CultureInfo.InvariantCulture)).ToArray());
        });
    }

    private static void CheckFinite(string path, Trajectory trajectory)
    {
        for (int i = 0; i < trajectory.Times.Length; i++)
        {
            if (!double.IsFinite(trajectory.Times[i])) throw NonFinite(path, i, "t", trajectory.Times[i]);
            for (int j = 0; j < trajectory.States[i].Length; j++)
                if (!double.IsFinite(trajectory.States[i][j])) throw NonFinite(path, i, trajectory.Names[j], trajectory.States[i][j]);
        }
    }

    // Rows as in the written file: the header is row 1, sample i is row i + 2.
    private static ArgumentException NonFinite(string path, int sample, string column, double value) =>
        new($"{path}, row {sample + 2}, column '{column}': {(double.IsNaN(value) ? "NaN" : value > 0 ? "∞" : "-∞")} cannot be written; a trajectory file holds finite numbers only");
}

namespace MechNN.IO.Csv;

/// <summary>A trajectory file that cannot be used, with the file, row (1-based, header = row 1) and column it is about.</summary>
public sealed class TrajectoryCsvException(string file, int? row, string? column, string problem)
    : FormatException($"{file}{(row is null ? "" : $", row {row}")}{(column is null ? "" : $", column '{column}'")}: {problem}")
{
    public string File { get; } = file;
    public int? Row { get; } = row;
    public string? Column { get; } = column;
}

namespace MechNN.IO.Csv;

/// <summary>A trajectory file that cannot be used, with the file, row (1-based, header = row 1) and column it is about.</summary>
public sealed class TrajectoryCsvException(string file, int? row, string? column, string problem)
    : FormatException($"{file}{(row is null ? "" : $", row {row}")}{(column is null ? "" : $", column '{column}'")}: {problem}")
{
    /// <summary>The file at fault.</summary>
    public string File { get; } = file;
    /// <summary>1-based row (the header is row 1), when one row is at fault.</summary>
    public int? Row { get; } = row;
    /// <summary>The column at fault, when one is.</summary>
    public string? Column { get; } = column;
}

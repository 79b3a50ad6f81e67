namespace MechNN.Cli.Tests;

/// <summary>What one in-process `mechnn` invocation returned and printed.</summary>
public sealed record CliResult(int ExitCode, string Out, string Err)
{
    public override string ToString() => $"exit {ExitCode}\n--- out\n{Out}\n--- err\n{Err}";
}

/// <summary>
/// Runs the tool in this process. The console renderer and the current directory are process-wide, so every CLI test
/// class joins the one non-parallel <see cref="CliCollection"/>.
/// </summary>
internal static class Mechnn
{
    public static CliResult Run(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        int code = Cli.Run(args, output, error);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    /// <summary>Runs with the current directory set to <paramref name="directory"/>, restored afterwards.</summary>
    public static CliResult RunIn(string directory, params string[] args)
    {
        var previous = Environment.CurrentDirectory;
        Environment.CurrentDirectory = directory;
        try { return Run(args); }
        finally { Environment.CurrentDirectory = previous; }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CliCollection
{
    public const string Name = "mechnn CLI (process-wide console and current directory)";
}

/// <summary>A fresh temp folder per test, removed afterwards.</summary>
public abstract class TempFolderTest : IDisposable
{
    protected string Dir { get; } = Directory.CreateTempSubdirectory("mechnn-cli-").FullName;

    protected string In(string name) => Path.Combine(Dir, name);

    public void Dispose()
    {
        Directory.Delete(Dir, recursive: true);
        GC.SuppressFinalize(this);
    }
}

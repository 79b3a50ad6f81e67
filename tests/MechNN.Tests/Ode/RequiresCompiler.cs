namespace MechNN.Tests.Ode;

/// <summary>
/// Where g++ is: the CUDA emulation tests compile the kernels with it. xunit 2.9 has no run-time skip, so the attributes
/// below set their Skip reason when they are built (the attribute-constructor pattern), before any test runs.
/// </summary>
internal static class Compiler
{
    public const string Name = "g++";

    /// <summary>The skip reason on this machine: null where g++ is on PATH.</summary>
    public static readonly string? MissingReason = Find(Environment.GetEnvironmentVariable("PATH")) is null
        ? $"{Name} is not on PATH: the CUDA emulation tests compile the kernels with it (apt-get install g++; .ci/run does)"
        : null;

    /// <summary>The first executable file called g++ in the folders of <paramref name="searchPath"/>; null if none.</summary>
    public static string? Find(string? searchPath)
    {
        foreach (var folder in (searchPath ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, Name);
            if (File.Exists(candidate) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(candidate) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0))
                return candidate;
        }
        return null;
    }
}

/// <summary>A fact that is skipped, with the reason, where g++ is missing.</summary>
public sealed class CompilerFactAttribute : FactAttribute
{
    public CompilerFactAttribute() { if (Compiler.MissingReason is { } reason) Skip = reason; }
}

/// <summary>A theory that is skipped, with the reason, where g++ is missing.</summary>
public sealed class CompilerTheoryAttribute : TheoryAttribute
{
    public CompilerTheoryAttribute() { if (Compiler.MissingReason is { } reason) Skip = reason; }
}

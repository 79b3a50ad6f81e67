using System.Reflection;
using System.Runtime.InteropServices;

namespace MechNN.IO;

/// <summary>
/// Where a result came from, recorded beside it: the command that produced it, when, on what machine, and from which
/// build. The commit is taken from the <c>MECHNN_COMMIT</c> environment variable or, failing that, from the
/// "+commit" suffix the SDK puts in the assembly's informational version ("commit-dirty" when the build's tree had
/// uncommitted changes to tracked files: Directory.Build.targets); null when neither is known.
/// </summary>
/// <param name="Command">The invocation as a user would type it, e.g. <c>mechnn bench solver --config lorenz</c>.</param>
/// <param name="Date">UTC time of the record, ISO 8601 (<c>yyyy-MM-dd HH:mm:ssZ</c>).</param>
/// <param name="Machine">Host name.</param>
/// <param name="Os">Operating system and process architecture.</param>
/// <param name="Cores">Logical processors available to the process.</param>
/// <param name="Runtime">The .NET runtime.</param>
/// <param name="Version">The MechNN library version.</param>
/// <param name="Commit">Source commit of the build, when known.</param>
public sealed record Provenance(string Command, string Date, string Machine, string Os, int Cores, string Runtime, string Version, string? Commit)
{
    /// <summary>The environment variable that names the source commit, for builds outside a git checkout.</summary>
    public const string CommitVariable = "MECHNN_COMMIT";

    /// <summary>Records <paramref name="command"/> with the current time, machine and build.</summary>
    /// <param name="command">The invocation, as built from the parsed command line.</param>
    /// <returns>The record.</returns>
    /// <exception cref="ArgumentException"><paramref name="command"/> is empty.</exception>
    public static Provenance Capture(string command)
    {
        if (string.IsNullOrWhiteSpace(command)) throw new ArgumentException("the command of a provenance record must not be empty", nameof(command));
        var version = typeof(Provenance).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        int plus = version.IndexOf('+');
        var commit = Environment.GetEnvironmentVariable(CommitVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment
            : plus >= 0 && plus + 1 < version.Length ? version[(plus + 1)..] : null;
        return new Provenance(command, DateTime.UtcNow.ToString("u"), Environment.MachineName,
            $"{RuntimeInformation.OSDescription} ({RuntimeInformation.ProcessArchitecture})", Environment.ProcessorCount,
            RuntimeInformation.FrameworkDescription, plus >= 0 ? version[..plus] : version, commit);
    }
}

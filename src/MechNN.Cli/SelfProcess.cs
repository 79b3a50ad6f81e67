using System.Diagnostics;
using System.Reflection;

namespace MechNN.Cli;

/// <summary>Starting this program again (data-parallel ranks, `bench solver --memory` children): the one place that knows
/// how the current process was launched.</summary>
internal static class SelfProcess
{
    /// <summary>
    /// This program again, arguments still to add. Under the apphost (or the tool's shim) that is the process itself;
    /// under `dotnet MechNN.Cli.dll`, `dotnet run` or a test host, dotnet with this assembly.
    /// </summary>
    /// <param name="purpose">What the child is for, for the error when the path is unknown.</param>
    public static ProcessStartInfo StartInfo(string purpose)
    {
        var cli = typeof(SelfProcess).Assembly;
        var host = Environment.ProcessPath ?? throw new InvalidOperationException($"cannot find this program's path to start {purpose}");
        if (Assembly.GetEntryAssembly() == cli && Path.GetFileNameWithoutExtension(host) != "dotnet") return new ProcessStartInfo(host) { UseShellExecute = false };
        var dotnet = Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var info = new ProcessStartInfo(dotnet) { UseShellExecute = false };
        info.ArgumentList.Add(cli.Location);
        return info;
    }
}

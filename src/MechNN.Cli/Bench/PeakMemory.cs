using System.Text.RegularExpressions;

namespace MechNN.Cli.Bench;

/// <summary>
/// Peak resident memory of a code region on Linux: resets the kernel's high-water mark (write "5" to
/// /proc/self/clear_refs) and reads VmHWM afterwards, minus the resident size before. CPU only.
/// </summary>
internal static partial class PeakMemory
{
    public static bool Supported => OperatingSystem.IsLinux() && File.Exists("/proc/self/clear_refs");

    public static double MeasureMb(Action action)
    {
        if (!Supported) { action(); return double.NaN; }
        GC.Collect();
        GC.WaitForPendingFinalizers();
        File.WriteAllText("/proc/self/clear_refs", "5");
        long before = Read("VmRSS");
        action();
        return (Read("VmHWM") - before) / 1024.0;
    }

    private static long Read(string key)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(key + ":", StringComparison.Ordinal)) return long.Parse(Digits().Match(line).Value);
        return 0;
    }

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Digits();
}

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
        double before = ResetHighWaterMb();
        action();
        return HighWaterMb() - before;
    }

    /// <summary>Collects garbage, resets the high-water mark to the current resident set and returns that, in MiB.</summary>
    public static double ResetHighWaterMb()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        File.WriteAllText("/proc/self/clear_refs", "5");
        return Read("VmRSS") / 1024.0;
    }

    /// <summary>The largest resident set since the last reset, in MiB.</summary>
    public static double HighWaterMb() => Read("VmHWM") / 1024.0;

    private static long Read(string key)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(key + ":", StringComparison.Ordinal)) return long.Parse(Digits().Match(line).Value);
        return 0;
    }

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Digits();
}

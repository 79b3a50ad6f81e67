using System.Diagnostics;
using System.Globalization;
using MechNN.Ode.Solvers.Cuda;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Cli.Bench;

/// <summary>Memory one (config, method) needed above the measuring process's baseline, in MiB.</summary>
internal sealed record MemoryReading(double BaselineMib, double PeakMib);

/// <summary>A `bench solver --memory` child that failed; its exit code becomes the parent's.</summary>
internal sealed class MemoryChildException(string message, int exitCode) : Exception(message)
{
    /// <summary>The child's exit code (never 0).</summary>
    public int ExitCode { get; } = exitCode;
}

/// <summary>
/// `bench solver --memory`: each (config, method) runs in a fresh child process of this program, so libtorch's caching
/// allocator starts empty and nothing the parent or another method allocated is counted.
/// CUDA: the child reads device memory in use (cuMemGetInfo: total − free) after CUDA init and a warm-up tensor
/// (baseline), then a background thread samples it about every millisecond while the method's forward + backward runs;
/// the peak is the largest sample or the final reading after a synchronise, minus the baseline. libtorch's cache never
/// shrinks inside the process, so the final reading already bounds the peak allocated from above: the figure is memory
/// reserved (≥ allocated, by the cache's block rounding), and other processes' allocations on that GPU during the run
/// count too. CPU: the same child reports its peak resident set (the kernel's high-water mark, reset after the
/// baseline) minus the baseline.
/// </summary>
internal static class MemoryProbe
{
    /// <summary>Starts the one line a child prints for its parent.</summary>
    public const string Prefix = "mechnn-memory:";

    /// <summary>Child side: measures <paramref name="work"/> on <paramref name="device"/> and returns the reading.</summary>
    public static MemoryReading Measure(Device device, Action work)
    {
        using (var warm = ones(1, device: device)) warm.add_(1);                 // CUDA context and the allocator's first block
        if (device.type == DeviceType.CUDA)
        {
            if (!CudaDriver.Available) throw new ArgumentException("--memory --device cuda needs the CUDA driver (libcuda), which did not load.");
            cuda.synchronize();
            CudaDriver.UseDevice(0);
            double baseline = CudaInUseMib();
            double peak = baseline;
            using var stop = new ManualResetEventSlim();
            var sampler = new Thread(() =>
            {
                CudaDriver.UseDevice(0);                                         // a context is current per thread
                while (!stop.Wait(1)) peak = Math.Max(peak, CudaInUseMib());
            }) { IsBackground = true };
            sampler.Start();
            try { work(); cuda.synchronize(); }
            finally { stop.Set(); sampler.Join(); }
            return new MemoryReading(baseline, Math.Max(peak, CudaInUseMib()) - baseline);
        }
        if (!PeakMemory.Supported) throw new ArgumentException("--memory on the CPU needs Linux's /proc/self/clear_refs (peak resident set), which this system lacks.");
        double resident = PeakMemory.ResetHighWaterMb();
        work();
        return new MemoryReading(resident, PeakMemory.HighWaterMb() - resident);
    }

    /// <summary>The child's line for <paramref name="reading"/>.</summary>
    public static string Line(MemoryReading reading) =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix} baseline_mib={reading.BaselineMib:R} peak_mib={reading.PeakMib:R}");

    /// <summary>Parent side: runs <c>mechnn</c> with <paramref name="arguments"/> in a child process and returns its
    /// reading; a child that fails or prints no reading is a <see cref="MemoryChildException"/> naming <paramref name="who"/>.</summary>
    public static MemoryReading RunChild(IReadOnlyList<string> arguments, string who)
    {
        var info = SelfProcess.StartInfo("the --memory child");
        foreach (var a in arguments) info.ArgumentList.Add(a);
        info.RedirectStandardOutput = info.RedirectStandardError = true;
        info.UseShellExecute = false;
        using var child = Process.Start(info) ?? throw new MemoryChildException($"--memory: the child measuring {who} did not start", CliErrors.BadInput);
        var error = child.StandardError.ReadToEndAsync();                       // both pipes drained, or a full one blocks the child
        string output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        string detail = error.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "no message";
        if (child.ExitCode != 0)
            throw new MemoryChildException($"--memory: the child measuring {who} exited with code {child.ExitCode}: {detail}", child.ExitCode);
        return Parse(output) ?? throw new MemoryChildException($"--memory: the child measuring {who} printed no '{Prefix}' line", CliErrors.BadInput);
    }

    /// <summary>The reading in a child's output; null when there is none.</summary>
    public static MemoryReading? Parse(string output)
    {
        var line = output.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith(Prefix, StringComparison.Ordinal));
        if (line is null) return null;
        var fields = line[Prefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(f => f.Split('=', 2)).Where(f => f.Length == 2).ToDictionary(f => f[0], f => f[1]);
        return fields.TryGetValue("baseline_mib", out var b) && fields.TryGetValue("peak_mib", out var p)
               && double.TryParse(b, NumberStyles.Float, CultureInfo.InvariantCulture, out var baseline)
               && double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var peak)
            ? new MemoryReading(baseline, peak) : null;
    }

    private static double CudaInUseMib()
    {
        var (free, total) = CudaDriver.MemoryInfo();
        return (total - free) / (1024.0 * 1024.0);
    }
}

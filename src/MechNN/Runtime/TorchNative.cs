using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using System.Runtime.Versioning;

namespace MechNN.Runtime;

/// <summary>
/// Makes TorchSharp's native shim load on hosts whose libstdc++ predates GCC 13 (e.g. Debian 12).
/// Where the host lacks GLIBCXX_3.4.32, the first failed load of LibTorchSharp is answered with a patched copy
/// (see <see cref="ElfVersionPatch"/>) kept in the per-user, verified <see cref="NativeCache"/>; elsewhere nothing is touched.
/// Runs automatically when MechNN is loaded; call <see cref="EnsureLoaded"/> first if you use TorchSharp before MechNN.
/// </summary>
internal static class TorchNative
{
    private const string ShimFile = "libLibTorchSharp.so";
    private static readonly object Gate = new();
    private static bool _registered;
    private static IntPtr _handle;

    /// <summary>Why the patched shim could not be provided (e.g. an unsafe cache), once a load has failed; else null.</summary>
    public static Exception? Failure { get; private set; }

    // A library module initializer is deliberate here: the fix must be in place before TorchSharp's first native call.
#pragma warning disable CA2255
    [ModuleInitializer]
    internal static void OnModuleLoad() => EnsureLoaded();
#pragma warning restore CA2255

    /// <summary>Registers the fallback loader once (no-op off Linux or where the host libstdc++ is new enough).</summary>
    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (_registered) return;
            _registered = true;
            if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64) return;
            if (HostHasVersion()) return;
            AssemblyLoadContext.Default.ResolvingUnmanagedDll += Resolve;
        }
    }

    [SupportedOSPlatform("linux")]
    private static IntPtr Resolve(Assembly assembly, string name)
    {
        if (name != "LibTorchSharp" && name != ShimFile) return IntPtr.Zero;
        lock (Gate)
        {
            if (_handle != IntPtr.Zero) return _handle;
            var original = FindOriginal(assembly);
            if (original is null) return IntPtr.Zero;
            var dir = Path.GetDirectoryName(original)!;
            // The patched copy lives elsewhere, so its $ORIGIN runpath no longer finds libtorch: load those first.
            foreach (var dep in new[] { "libc10.so", "libtorch_cpu.so", "libtorch.so" })
            {
                var path = Path.Combine(dir, dep);
                if (File.Exists(path)) NativeLibrary.TryLoad(path, out _);
            }
            try
            {
                _handle = NativeLibrary.Load(PatchedCopy(original));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // TorchSharp swallows this into a generic "no libtorch" message: keep the real cause for the caller.
                Failure = ex;
                throw;
            }
            return _handle;
        }
    }

    private static string? FindOriginal(Assembly requester)
    {
        var roots = new[] { AppContext.BaseDirectory, Path.GetDirectoryName(requester.Location) ?? "" }.Distinct();
        foreach (var root in roots)
            foreach (var candidate in new[] { Path.Combine(root, ShimFile), Path.Combine(root, "runtimes", "linux-x64", "native", ShimFile) })
                if (File.Exists(candidate)) return candidate;
        return null;
    }

    [SupportedOSPlatform("linux")]
    private static string PatchedCopy(string original)
    {
        var bytes = File.ReadAllBytes(original);
        if (ElfVersionPatch.NeedsPatch(bytes)) ElfVersionPatch.Apply(bytes);
        IOException? last = null;
        foreach (var cache in NativeCache.ForCurrentUser())
        {
            try
            {
                return cache.Provide(ShimFile, bytes);
            }
            // An unsafe cache is refused outright; one that cannot be written (a read-only home) gives way to the next.
            catch (Exception ex) when (ex is not NativeCacheException && ex is IOException or UnauthorizedAccessException)
            {
                last = new IOException($"cannot write the patched TorchSharp shim under {cache.Root}: {ex.Message}", ex);
            }
        }
        throw last!;
    }

    /// <summary>True when the libstdc++ mapped into this process (the runtime maps one) provides GLIBCXX_3.4.32.</summary>
    private static bool HostHasVersion()
    {
        NativeLibrary.TryLoad("libstdc++.so.6", out _);
        string? path = null;
        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            int at = line.IndexOf('/');
            if (at >= 0 && line.Contains("libstdc++.so", StringComparison.Ordinal)) { path = line[at..]; break; }
        }
        if (path is null || !File.Exists(path)) return false;
        var marker = System.Text.Encoding.ASCII.GetBytes(ElfVersionPatch.Version + "\0");
        return File.ReadAllBytes(path).AsSpan().IndexOf(marker) >= 0;
    }
}

using MechNN.Ode.Rows;

namespace MechNN.Ode.Solvers.Cuda;

/// <summary>
/// The compiled kernels of mnn_kernels.cu, embedded in the assembly: machine code for compute capability 8.x and 9.0
/// (loads at once), and PTX for every other GPU since Volta (the driver JIT-compiles it on first use: seconds, once per
/// process and device unless its compute cache holds it). Entry points exist for D = 1 with R = 1..4 (unrolled blocks
/// in registers) and a generic one for every other shape within <see cref="CudaLayout"/>'s bounds.
/// </summary>
internal static class CudaKernels
{
    public const string PtxResource = "MechNN.mnn_kernels.ptx";
    /// <summary>(D, R+1) pairs with specialised entry points; others use the generic (0, 0) one.</summary>
    public static readonly (int D, int R1)[] Specialised = { (1, 2), (1, 3), (1, 4), (1, 5) };
    /// <summary>Threads per block of the per-member kernels. 32, 64 and 128 timed alike on the H200 (lorenz, kdv, wide:
    /// the chains are latency-bound, not bound by how blocks share the multiprocessors; gpu-h200.md).</summary>
    public const int ThreadsPerBlock = 128;

    private static readonly Dictionary<int, IntPtr> Modules = new();
    private static readonly Dictionary<(int, string), IntPtr> Functions = new();

    /// <summary>
    /// Test hook: runs the kernels' C++ on the CPU instead (tests/CudaEmulation, compiled with g++), on CPU tensors, so CI
    /// exercises the kernels and <see cref="CudaSystem"/> without a GPU. Arguments: entry name, grid, block, the
    /// cuLaunchKernel-style argument array. Null in the product.
    /// </summary>
    internal static Action<string, uint, uint, IntPtr>? Emulator { get; set; }

    /// <summary>Launches kernel <paramref name="name"/> on device <paramref name="ordinal"/> (legacy default stream), or runs
    /// it in the test <see cref="Emulator"/> when one is set; <paramref name="args"/> holds one pointer per parameter.</summary>
    public static unsafe void Launch(int ordinal, string name, uint grid, uint block, void** args)
    {
        if (Emulator is { } emulator) emulator(name, grid, block, (IntPtr)args);
        else CudaDriver.Launch(Function(ordinal, name), grid, block, args);
    }

    /// <summary>True when the driver is present and the problem shape fits the kernels.</summary>
    public static bool Supports(RowLayout layout) => CudaLayout.Fits(layout) && CudaDriver.Available;

    /// <summary>True when the chunked (parallel-in-time) kernels exist for this shape: D = 1 and R ≤ 3 (R ≥ 2 with
    /// central rows); see mnn_kernels.cu.</summary>
    public static bool HasChunked(RowLayout l) => l.D == 1 && l.R1 is >= 2 and <= 4 && !(l.HasCentral && l.R1 < 3);

    public static string EntryName(string kind, RowLayout l)
    {
        var (d, r1) = Specialised.Contains((l.D, l.R1)) ? (l.D, l.R1) : (0, 0);
        return $"mnn_{kind}_d{d}_r{r1}";
    }

    /// <summary>The named kernel on device <paramref name="ordinal"/>, whose context is made current.</summary>
    public static IntPtr Function(int ordinal, string name)
    {
        CudaDriver.UseDevice(ordinal);
        lock (Modules)
        {
            if (Functions.TryGetValue((ordinal, name), out var function)) return function;
            if (!Modules.TryGetValue(ordinal, out var module))
                Modules[ordinal] = module = LoadModule(ordinal);
            return Functions[(ordinal, name)] = CudaDriver.Function(module, name);
        }
    }

    private static IntPtr LoadModule(int ordinal)
    {
        var (major, minor) = CudaDriver.ComputeCapability(ordinal);
        // sm_80 code runs on every 8.x device; sm_90 only on 9.0. Anything else (or a refused cubin) takes the PTX.
        var cubin = major == 8 ? "sm_80" : major == 9 && minor == 0 ? "sm_90" : null;
        if (cubin is not null && CudaDriver.TryLoadModule(Resource($"MechNN.mnn_kernels.{cubin}.cubin", terminate: false)) is { } module)
            return module;
        return CudaDriver.LoadModule(Ptx());
    }

    /// <summary>The embedded PTX text, NUL-terminated as cuModuleLoadData wants it.</summary>
    public static byte[] Ptx() => Resource(PtxResource, terminate: true);

    private static byte[] Resource(string name, bool terminate)
    {
        using var stream = typeof(CudaKernels).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"internal: resource {name} is missing");
        var bytes = new byte[stream.Length + (terminate ? 1 : 0)];
        stream.ReadExactly(bytes, 0, (int)stream.Length);
        return bytes;
    }
}

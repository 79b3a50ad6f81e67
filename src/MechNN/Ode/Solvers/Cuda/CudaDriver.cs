using System.Runtime.InteropServices;

namespace MechNN.Ode.Solvers.Cuda;

/// <summary>
/// The few CUDA driver-API calls the fused GPU kernels need (load PTX, find a function, launch, set and read a word), bound to libcuda at
/// run time so that the library loads and works on machines without a GPU driver (<see cref="Available"/> is false there).
/// Launches go to the legacy default stream, the stream libtorch's CUDA ops use unless a caller changes it, so they
/// are ordered with the torch ops around them.
/// </summary>
internal static unsafe class CudaDriver
{
    private static readonly Lazy<Api?> Loaded = new(Load);

    /// <summary>True when libcuda loads and initialises.</summary>
    public static bool Available => Loaded.Value is not null;

    private static Api Driver => Loaded.Value ?? throw new InvalidOperationException("The CUDA driver (libcuda) is not available.");

    /// <summary>Makes the primary context of device <paramref name="ordinal"/> (the one libtorch uses) current on this thread.</summary>
    public static void UseDevice(int ordinal)
    {
        var api = Driver;
        IntPtr context;
        lock (Contexts)
            if (!Contexts.TryGetValue(ordinal, out context))
            {
                int device;
                Check(api.DeviceGet(&device, ordinal), "cuDeviceGet");
                Check(api.PrimaryCtxRetain(&context, device), "cuDevicePrimaryCtxRetain"); // retained once, for the process
                Contexts[ordinal] = context;
            }
        Check(api.CtxSetCurrent(context), "cuCtxSetCurrent");
    }

    private static readonly Dictionary<int, IntPtr> Contexts = new();

    /// <summary>Loads a PTX (NUL-terminated) or cubin image into the current context; null when the driver refuses it.</summary>
    public static IntPtr? TryLoadModule(byte[] image)
    {
        IntPtr module;
        fixed (byte* p = image) return Driver.ModuleLoadData(&module, p) == 0 ? module : null;
    }

    public static IntPtr LoadModule(byte[] image)
    {
        IntPtr module;
        fixed (byte* p = image) Check(Driver.ModuleLoadData(&module, p), "cuModuleLoadData");
        return module;
    }

    /// <summary>Compute capability (major, minor) of device <paramref name="ordinal"/>.</summary>
    public static (int Major, int Minor) ComputeCapability(int ordinal)
    {
        var api = Driver;
        int device, major, minor;
        Check(api.DeviceGet(&device, ordinal), "cuDeviceGet");
        Check(api.DeviceGetAttribute(&major, 75, device), "cuDeviceGetAttribute");   // CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR
        Check(api.DeviceGetAttribute(&minor, 76, device), "cuDeviceGetAttribute");   // …_MINOR
        return (major, minor);
    }

    public static IntPtr Function(IntPtr module, string name)
    {
        IntPtr function;
        var bytes = System.Text.Encoding.ASCII.GetBytes(name + "\0");
        fixed (byte* p = bytes) Check(Driver.ModuleGetFunction(&function, module, p), $"cuModuleGetFunction({name})");
        return function;
    }

    /// <summary>Launches on the legacy default stream; <paramref name="args"/> holds one pointer per kernel parameter.</summary>
    public static void Launch(IntPtr function, uint grid, uint block, void** args) =>
        Check(Driver.LaunchKernel(function, grid, 1, 1, block, 1, 1, 0, IntPtr.Zero, args, null), "cuLaunchKernel");

    /// <summary>Sets <paramref name="count"/> 32-bit words at device address <paramref name="pointer"/> to <paramref name="value"/>, in
    /// order on the legacy default stream (no wait).</summary>
    public static void Fill(IntPtr pointer, uint value, long count) =>
        Check(Driver.MemsetD32Async(pointer, value, (nuint)count, IntPtr.Zero), "cuMemsetD32Async");

    /// <summary>Copies <paramref name="bytes"/> from device address <paramref name="from"/> to host memory once the work queued
    /// before it on the legacy default stream has finished (the one wait of a healthy solve).</summary>
    public static void Read(void* to, IntPtr from, long bytes) =>
        Check(Driver.MemcpyDtoH(to, from, (nuint)bytes), "cuMemcpyDtoH");

    /// <summary>Waits until all work queued on the legacy default stream of the current context has finished.</summary>
    public static void Synchronize() => Check(Driver.CtxSynchronize(), "cuCtxSynchronize");

    /// <summary>True when the legacy default stream has no pending work; false while it is still running.</summary>
    public static bool DefaultStreamIdle()
    {
        int status = Driver.StreamQuery(IntPtr.Zero);
        if (status == 600) return false;                                        // CUDA_ERROR_NOT_READY
        Check(status, "cuStreamQuery");
        return true;
    }

    /// <summary>Free and total memory of the current context's device, in bytes (all processes' allocations counted).</summary>
    public static (long Free, long Total) MemoryInfo()
    {
        nuint free, total;
        Check(Driver.MemGetInfo(&free, &total), "cuMemGetInfo");
        return ((long)free, (long)total);
    }

    private static void Check(int status, string call)
    {
        if (status == 0) return;
        byte* text = null;
        Driver.GetErrorString(status, &text);
        var message = text == null ? $"error {status}" : Marshal.PtrToStringAnsi((IntPtr)text);
        throw new InvalidOperationException($"CUDA driver call {call} failed: {message}");
    }

    private static Api? Load()
    {
        if (!NativeLibrary.TryLoad(OperatingSystem.IsWindows() ? "nvcuda.dll" : "libcuda.so.1", out var lib)) return null;
        try
        {
            var api = new Api
            {
                Init = (delegate* unmanaged<uint, int>)NativeLibrary.GetExport(lib, "cuInit"),
                DeviceGet = (delegate* unmanaged<int*, int, int>)NativeLibrary.GetExport(lib, "cuDeviceGet"),
                DeviceGetAttribute = (delegate* unmanaged<int*, int, int, int>)NativeLibrary.GetExport(lib, "cuDeviceGetAttribute"),
                PrimaryCtxRetain = (delegate* unmanaged<IntPtr*, int, int>)NativeLibrary.GetExport(lib, "cuDevicePrimaryCtxRetain"),
                CtxSetCurrent = (delegate* unmanaged<IntPtr, int>)NativeLibrary.GetExport(lib, "cuCtxSetCurrent"),
                ModuleLoadData = (delegate* unmanaged<IntPtr*, byte*, int>)NativeLibrary.GetExport(lib, "cuModuleLoadData"),
                ModuleGetFunction = (delegate* unmanaged<IntPtr*, IntPtr, byte*, int>)NativeLibrary.GetExport(lib, "cuModuleGetFunction"),
                LaunchKernel = (delegate* unmanaged<IntPtr, uint, uint, uint, uint, uint, uint, uint, IntPtr, void**, void**, int>)
                    NativeLibrary.GetExport(lib, "cuLaunchKernel"),
                GetErrorString = (delegate* unmanaged<int, byte**, int>)NativeLibrary.GetExport(lib, "cuGetErrorString"),
                CtxSynchronize = (delegate* unmanaged<int>)NativeLibrary.GetExport(lib, "cuCtxSynchronize"),
                StreamQuery = (delegate* unmanaged<IntPtr, int>)NativeLibrary.GetExport(lib, "cuStreamQuery"),
                MemGetInfo = (delegate* unmanaged<nuint*, nuint*, int>)NativeLibrary.GetExport(lib, "cuMemGetInfo_v2"),
                MemsetD32Async = (delegate* unmanaged<IntPtr, uint, nuint, IntPtr, int>)NativeLibrary.GetExport(lib, "cuMemsetD32Async"),
                MemcpyDtoH = (delegate* unmanaged<void*, IntPtr, nuint, int>)NativeLibrary.GetExport(lib, "cuMemcpyDtoH_v2"),
            };
            return api.Init(0) == 0 ? api : null;
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }
    }

    private sealed class Api
    {
        public delegate* unmanaged<uint, int> Init;
        public delegate* unmanaged<int*, int, int> DeviceGet;
        public delegate* unmanaged<int*, int, int, int> DeviceGetAttribute;
        public delegate* unmanaged<IntPtr*, int, int> PrimaryCtxRetain;
        public delegate* unmanaged<IntPtr, int> CtxSetCurrent;
        public delegate* unmanaged<IntPtr*, byte*, int> ModuleLoadData;
        public delegate* unmanaged<IntPtr*, IntPtr, byte*, int> ModuleGetFunction;
        public delegate* unmanaged<IntPtr, uint, uint, uint, uint, uint, uint, uint, IntPtr, void**, void**, int> LaunchKernel;
        public delegate* unmanaged<int, byte**, int> GetErrorString;
        public delegate* unmanaged<int> CtxSynchronize;
        public delegate* unmanaged<IntPtr, int> StreamQuery;
        public delegate* unmanaged<nuint*, nuint*, int> MemGetInfo;
        public delegate* unmanaged<IntPtr, uint, nuint, IntPtr, int> MemsetD32Async;
        public delegate* unmanaged<void*, IntPtr, nuint, int> MemcpyDtoH;
    }
}

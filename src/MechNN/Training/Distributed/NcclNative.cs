using System.Runtime.InteropServices;

namespace MechNN.Training.Distributed;

/// <summary>
/// The NCCL calls the communicator needs, bound to libnccl.so.2 at run time (so CPU machines never load it). The library
/// is looked for by name, then beside the libtorch that was loaded (a Python torch install ships it under
/// nvidia/nccl/lib). Every call's result is checked and named.
/// </summary>
internal static unsafe class NcclNative
{
    public const int UniqueIdBytes = 128;
    public const int Float32 = 7, Float64 = 8;                                  // ncclDataType_t
    public const int Sum = 0;                                                    // ncclRedOp_t
    private const int InProgress = 7;                                            // ncclInProgress

    private static readonly Lazy<Api?> Loaded = new(Load);

    /// <summary>True when libnccl.so.2 loads.</summary>
    public static bool Available => Loaded.Value is not null;

    private static Api Nccl => Loaded.Value ?? throw new DistributedException(
        "NCCL (libnccl.so.2) was not found: install it or put its folder on LD_LIBRARY_PATH (a Python torch install has it in site-packages/nvidia/nccl/lib)");

    public static int Version()
    {
        int v;
        Check(Nccl.GetVersion(&v), "ncclGetVersion");
        return v;
    }

    public static byte[] UniqueId()
    {
        var id = new byte[UniqueIdBytes];
        fixed (byte* p = id) Check(Nccl.GetUniqueId(p), "ncclGetUniqueId");
        return id;
    }

    public static IntPtr InitRank(int worldSize, byte[] id, int rank)
    {
        IntPtr comm;
        UniqueIdValue value;
        id.AsSpan().CopyTo(new Span<byte>(value.Bytes, UniqueIdBytes));
        Check(Nccl.CommInitRank(&comm, worldSize, value, rank), "ncclCommInitRank");
        return comm;
    }

    public static void AllReduce(IntPtr buffer, long count, int type, IntPtr comm) =>
        Check(Nccl.AllReduce(buffer, buffer, (nuint)count, type, Sum, comm, IntPtr.Zero), "ncclAllReduce");

    public static void Broadcast(IntPtr buffer, long count, int type, int root, IntPtr comm) =>
        Check(Nccl.Broadcast(buffer, buffer, (nuint)count, type, root, comm, IntPtr.Zero), "ncclBroadcast");

    /// <summary>The communicator's asynchronous error (a peer died, a network failure); null when there is none.</summary>
    public static string? AsyncError(IntPtr comm)
    {
        int error;
        Check(Nccl.CommGetAsyncError(comm, &error), "ncclCommGetAsyncError");
        return error == 0 || error == InProgress ? null : Describe(error);
    }

    public static void Abort(IntPtr comm) => Nccl.CommAbort(comm);

    public static void Destroy(IntPtr comm) => Check(Nccl.CommDestroy(comm), "ncclCommDestroy");

    private static void Check(int result, string call)
    {
        if (result != 0) throw new DistributedException($"NCCL call {call} failed: {Describe(result)}");
    }

    private static string Describe(int result) => Marshal.PtrToStringAnsi((IntPtr)Nccl.GetErrorString(result)) ?? $"error {result}";

    [StructLayout(LayoutKind.Sequential)]
    private struct UniqueIdValue
    {
        public fixed byte Bytes[UniqueIdBytes];
    }

    private static Api? Load()
    {
        if (!TryLoad(out var lib)) return null;
        try
        {
            return new Api
            {
                GetVersion = (delegate* unmanaged<int*, int>)NativeLibrary.GetExport(lib, "ncclGetVersion"),
                GetUniqueId = (delegate* unmanaged<byte*, int>)NativeLibrary.GetExport(lib, "ncclGetUniqueId"),
                CommInitRank = (delegate* unmanaged<IntPtr*, int, UniqueIdValue, int, int>)NativeLibrary.GetExport(lib, "ncclCommInitRank"),
                AllReduce = (delegate* unmanaged<IntPtr, IntPtr, nuint, int, int, IntPtr, IntPtr, int>)NativeLibrary.GetExport(lib, "ncclAllReduce"),
                Broadcast = (delegate* unmanaged<IntPtr, IntPtr, nuint, int, int, IntPtr, IntPtr, int>)NativeLibrary.GetExport(lib, "ncclBroadcast"),
                CommGetAsyncError = (delegate* unmanaged<IntPtr, int*, int>)NativeLibrary.GetExport(lib, "ncclCommGetAsyncError"),
                CommAbort = (delegate* unmanaged<IntPtr, int>)NativeLibrary.GetExport(lib, "ncclCommAbort"),
                CommDestroy = (delegate* unmanaged<IntPtr, int>)NativeLibrary.GetExport(lib, "ncclCommDestroy"),
                GetErrorString = (delegate* unmanaged<int, byte*>)NativeLibrary.GetExport(lib, "ncclGetErrorString"),
            };
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }
    }

    private static bool TryLoad(out IntPtr lib)
    {
        if (NativeLibrary.TryLoad("libnccl.so.2", out lib)) return true;
        // Beside a Python torch's libtorch: …/site-packages/torch/lib → …/site-packages/nvidia/nccl/lib.
        foreach (var dir in (Environment.GetEnvironmentVariable("LD_LIBRARY_PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.GetFullPath(Path.Combine(dir, "..", "..", "nvidia", "nccl", "lib", "libnccl.so.2"));
            if (File.Exists(candidate) && NativeLibrary.TryLoad(candidate, out lib)) return true;
        }
        return false;
    }

    private sealed class Api
    {
        public delegate* unmanaged<int*, int> GetVersion;
        public delegate* unmanaged<byte*, int> GetUniqueId;
        public delegate* unmanaged<IntPtr*, int, UniqueIdValue, int, int> CommInitRank;
        public delegate* unmanaged<IntPtr, IntPtr, nuint, int, int, IntPtr, IntPtr, int> AllReduce;
        public delegate* unmanaged<IntPtr, IntPtr, nuint, int, int, IntPtr, IntPtr, int> Broadcast;
        public delegate* unmanaged<IntPtr, int*, int> CommGetAsyncError;
        public delegate* unmanaged<IntPtr, int> CommAbort;
        public delegate* unmanaged<IntPtr, int> CommDestroy;
        public delegate* unmanaged<int, byte*> GetErrorString;
    }
}

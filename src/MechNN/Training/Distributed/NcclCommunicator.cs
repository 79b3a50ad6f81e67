using System.Diagnostics;
using MechNN.Ode.Solvers.Cuda;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Training.Distributed;

/// <summary>
/// A data-parallel group of processes, one per GPU, over NCCL. Collectives run in place on the legacy default stream
/// (the one libtorch's ops use unless a caller changes it): the device is synchronised before each so the buffer is
/// complete, and afterwards the stream is polled until done while NCCL's asynchronous error and the timeout are
/// watched, so a dead or hung peer ends the run with a named error (the communicator is aborted) instead of a hang.
/// </summary>
public sealed class NcclCommunicator : ICommunicator
{
    private IntPtr _comm;
    private readonly TimeSpan _timeout;

    private NcclCommunicator(IntPtr comm, int rank, int worldSize, int device, TimeSpan timeout)
    {
        _comm = comm;
        Rank = rank;
        WorldSize = worldSize;
        Device = device;
        _timeout = timeout;
    }

    /// <inheritdoc/>
    public int Rank { get; }

    /// <inheritdoc/>
    public int WorldSize { get; }

    /// <inheritdoc/>
    public bool OwnsProcess => true;

    /// <summary>The CUDA device (ordinal) this rank uses: its LOCAL_RANK.</summary>
    public int Device { get; }

    /// <summary>True when libnccl.so.2 can be loaded on this machine.</summary>
    public static bool Available => NcclNative.Available;

    /// <summary>
    /// Joins the group <paramref name="env"/> describes: rendezvous over TCP with rank 0 (which creates the NCCL id),
    /// then ncclCommInitRank on device LOCAL_RANK.
    /// </summary>
    /// <param name="env">This process's place in the group.</param>
    /// <param name="timeout">Limit for the rendezvous and for each collective.</param>
    /// <returns>The communicator.</returns>
    /// <exception cref="DistributedException">NCCL or CUDA is missing, a rank did not arrive, or an NCCL call failed.</exception>
    public static NcclCommunicator Connect(DistributedEnvironment env, TimeSpan timeout)
    {
        if (!CudaDriver.Available) throw new DistributedException($"rank {env.Rank}: NCCL training needs a CUDA GPU and driver, which did not load");
        _ = NcclNative.Version();                                               // fails with the install hint when NCCL is missing
        CudaDriver.UseDevice(env.LocalRank);                                     // NCCL binds the communicator to the current device
        var id = Rendezvous.Exchange(env, NcclNative.UniqueId, timeout);
        return new NcclCommunicator(NcclNative.InitRank(env.WorldSize, id, env.Rank), env.Rank, env.WorldSize, env.LocalRank, timeout);
    }

    /// <inheritdoc/>
    public void AllReduceSum(Tensor buffer) => Collective("all-reduce", buffer, (p, n, t) => NcclNative.AllReduce(p, n, t, Handle));

    /// <inheritdoc/>
    public void Broadcast(Tensor buffer, int root = 0)
    {
        if (root < 0 || root >= WorldSize) throw new ArgumentException($"broadcast root {root} is not a rank of a group of {WorldSize}");
        Collective("broadcast", buffer, (p, n, t) => NcclNative.Broadcast(p, n, t, root, Handle));
    }

    /// <inheritdoc/>
    public void Barrier()
    {
        using var one = ones(1, dtype: ScalarType.Float32, device: new torch.Device(DeviceType.CUDA, Device));
        AllReduceSum(one);
    }

    /// <inheritdoc/>
    public void Abort(string reason)
    {
        if (_comm == IntPtr.Zero) return;
        NcclNative.Abort(_comm);
        _comm = IntPtr.Zero;
    }

    /// <summary>Destroys the NCCL communicator (after its pending work).</summary>
    public void Dispose()
    {
        if (_comm == IntPtr.Zero) return;
        var comm = _comm;
        _comm = IntPtr.Zero;
        NcclNative.Destroy(comm);
    }

    private IntPtr Handle => _comm != IntPtr.Zero ? _comm : throw new DistributedException($"rank {Rank}: the NCCL communicator was aborted or disposed");

    private void Collective(string operation, Tensor buffer, Action<IntPtr, long, int> call)
    {
        if (buffer.device_type != DeviceType.CUDA || buffer.device.index != Device || !buffer.is_contiguous())
            throw new ArgumentException($"rank {Rank}: NCCL {operation} needs a contiguous buffer on cuda:{Device} (got {buffer.device})");
        int type = buffer.dtype switch
        {
            ScalarType.Float64 => NcclNative.Float64,
            ScalarType.Float32 => NcclNative.Float32,
            _ => throw new ArgumentException($"rank {Rank}: NCCL {operation} of {buffer.dtype} is not supported (float32 or float64)"),
        };
        long bytes = buffer.dtype == ScalarType.Float64 ? 8 : 4;
        var pointer = buffer.storage<byte>().data_ptr() + (nint)(buffer.storage_offset() * bytes);
        CudaDriver.UseDevice(Device);
        CudaDriver.Synchronize();
        call(pointer, buffer.numel(), type);
        var clock = Stopwatch.StartNew();
        while (!CudaDriver.DefaultStreamIdle())
        {
            if (NcclNative.AsyncError(Handle) is { } error) Fail($"{operation} failed: {error}");
            if (clock.Elapsed > _timeout) Fail($"{operation} did not complete within {_timeout.TotalSeconds:0} s (a rank died or hangs)");
            Thread.Sleep(0);
        }
    }

    private void Fail(string why)
    {
        Abort(why);
        throw new DistributedException($"rank {Rank}: {why}");
    }
}

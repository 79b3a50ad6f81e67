using static TorchSharp.torch;

namespace MechNN.Training.Distributed;

/// <summary>
/// One replica's view of a data-parallel group: its rank among <see cref="WorldSize"/> replicas and the collectives the
/// trainer needs. Every replica calls the same collectives in the same order with buffers of the same length and dtype.
/// A collective that cannot complete (a replica failed, hung or left) throws <see cref="DistributedException"/> within
/// the group's timeout instead of waiting for ever.
/// </summary>
public interface ICommunicator : IDisposable
{
    /// <summary>This replica's index, 0 … <see cref="WorldSize"/> − 1; rank 0 writes checkpoints and reports.</summary>
    int Rank { get; }

    /// <summary>Number of replicas in the group.</summary>
    int WorldSize { get; }

    /// <summary>
    /// True when this replica owns its process's global state (torch's random generator): every replica of a
    /// one-process-per-GPU group, but only rank 0 of an in-process group, whose replicas share one process.
    /// </summary>
    bool OwnsProcess { get; }

    /// <summary>Replaces <paramref name="buffer"/> (contiguous) by the element-wise sum of every replica's buffer; all replicas get bitwise the same result.</summary>
    /// <param name="buffer">This replica's contribution, overwritten with the sum.</param>
    /// <exception cref="DistributedException">The group failed or timed out.</exception>
    void AllReduceSum(Tensor buffer);

    /// <summary>Replaces every replica's <paramref name="buffer"/> by the one of replica <paramref name="root"/>.</summary>
    /// <param name="buffer">Sent by the root, overwritten on the others.</param>
    /// <param name="root">The sending rank.</param>
    /// <exception cref="DistributedException">The group failed or timed out.</exception>
    void Broadcast(Tensor buffer, int root = 0);

    /// <summary>Returns once every replica has called it.</summary>
    /// <exception cref="DistributedException">The group failed or timed out.</exception>
    void Barrier();

    /// <summary>Marks the group failed because of this replica, so the others' pending and next collectives fail at once.</summary>
    /// <param name="reason">What went wrong, for the others' error messages.</param>
    void Abort(string reason);
}

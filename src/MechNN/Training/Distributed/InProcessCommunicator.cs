using static TorchSharp.torch;

namespace MechNN.Training.Distributed;

/// <summary>
/// A data-parallel group of replicas that are threads of one process (the CPU stand-in for a multi-GPU group, and what
/// tests use): collectives meet at a barrier and sum the replicas' buffers in rank order in float64, so every replica
/// gets bitwise the same result and a run is reproducible. Create the group with <see cref="Create"/> or run replicas
/// with <see cref="Run{T}"/>.
/// </summary>
public sealed class InProcessCommunicator : ICommunicator
{
    private readonly Group _group;

    private InProcessCommunicator(Group group, int rank)
    {
        _group = group;
        Rank = rank;
    }

    /// <inheritdoc/>
    public int Rank { get; }

    /// <inheritdoc/>
    public int WorldSize => _group.Slots.Length;

    /// <inheritdoc/>
    public bool OwnsProcess => Rank == 0;

    /// <summary>The communicators of a new group, one per replica (rank = index).</summary>
    /// <param name="worldSize">Replicas, ≥ 1.</param>
    /// <param name="timeout">How long a collective waits for the slowest replica before the group fails (default 5 minutes).</param>
    /// <returns>The communicators.</returns>
    /// <exception cref="ArgumentException">World size below 1 or a non-positive timeout.</exception>
    public static InProcessCommunicator[] Create(int worldSize, TimeSpan? timeout = null)
    {
        if (worldSize < 1) throw new ArgumentException($"a data-parallel group needs at least one replica (got {worldSize})");
        var wait = timeout ?? TimeSpan.FromMinutes(5);
        if (wait <= TimeSpan.Zero) throw new ArgumentException($"the collective timeout must be positive (got {wait})");
        var group = new Group(worldSize, wait);
        return Enumerable.Range(0, worldSize).Select(r => new InProcessCommunicator(group, r)).ToArray();
    }

    /// <summary>
    /// Runs <paramref name="replica"/> on <paramref name="worldSize"/> threads, each with its communicator. A replica that
    /// throws aborts the group (the others fail fast); the first original failure is rethrown after all threads end.
    /// </summary>
    /// <typeparam name="T">Each replica's result.</typeparam>
    /// <param name="worldSize">Replicas.</param>
    /// <param name="replica">The work of one replica.</param>
    /// <param name="timeout">Collective timeout (see <see cref="Create"/>).</param>
    /// <returns>The replicas' results by rank.</returns>
    /// <exception cref="DistributedException">A replica failed; its exception is the inner one.</exception>
    public static T[] Run<T>(int worldSize, Func<ICommunicator, T> replica, TimeSpan? timeout = null)
    {
        var communicators = Create(worldSize, timeout);
        var results = new T[worldSize];
        var failures = new Exception?[worldSize];
        var threads = communicators.Select(c => new Thread(() =>
        {
            try { results[c.Rank] = replica(c); }
            catch (Exception e)
            {
                failures[c.Rank] = e;
                c.Abort($"replica {c.Rank} failed: {e.Message}");
            }
        }) { Name = $"replica {c.Rank}" }).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        // The original failure, not the others' "abandoned" errors that it caused.
        var first = failures.Select((e, rank) => (e, rank)).Where(f => f.e is not null)
            .OrderBy(f => f.e is DistributedException ? 1 : 0).ThenBy(f => f.rank).FirstOrDefault();
        if (first.e is not null)
            throw first.e as DistributedException ?? new DistributedException($"replica {first.rank} failed: {first.e.Message}", first.e);
        return results;
    }

    /// <inheritdoc/>
    public void AllReduceSum(Tensor buffer)
    {
        _group.Slots[Rank] = Read(buffer);
        Meet("all-reduce");
        int n = _group.Slots[Rank]!.Length;
        var sum = new double[n];
        for (int r = 0; r < WorldSize; r++)
        {
            var part = _group.Slots[r]!;
            if (part.Length != n) Fail($"all-reduce of {n} values, but replica {r} sent {part.Length}");
            for (int i = 0; i < n; i++) sum[i] += part[i];
        }
        Meet("all-reduce");                                                      // everyone has read the slots
        Write(buffer, sum);
    }

    /// <inheritdoc/>
    public void Broadcast(Tensor buffer, int root = 0)
    {
        if (root < 0 || root >= WorldSize) throw new ArgumentException($"broadcast root {root} is not a rank of a group of {WorldSize}");
        if (Rank == root) _group.Slots[root] = Read(buffer);
        Meet("broadcast");
        var sent = _group.Slots[root]!;
        if (sent.Length != buffer.numel()) Fail($"broadcast of {sent.Length} values into a buffer of {buffer.numel()}");
        if (Rank != root) Write(buffer, sent);
        Meet("broadcast");
    }

    /// <inheritdoc/>
    public void Barrier() => Meet("barrier");

    /// <inheritdoc/>
    public void Abort(string reason) => _group.Break(reason);

    /// <summary>Nothing to release: the group lives as long as its replicas reference it.</summary>
    public void Dispose() { }

    private void Meet(string operation)
    {
        bool met;
        try { met = _group.Meeting.SignalAndWait(_group.Timeout, _group.Broken.Token); }
        catch (OperationCanceledException) { throw new DistributedException($"replica {Rank}: {operation} abandoned: {_group.Reason}"); }
        catch (BarrierPostPhaseException e) { throw new DistributedException($"replica {Rank}: {operation} failed", e); }
        if (!met)
        {
            var why = $"replica {Rank} waited {_group.Timeout.TotalSeconds:0.#} s in {operation} for a replica that never arrived";
            _group.Break(why);
            throw new DistributedException(why);
        }
    }

    private void Fail(string why)
    {
        _group.Break($"replica {Rank}: {why}");
        throw new DistributedException($"replica {Rank}: {why}");
    }

    private static double[] Read(Tensor buffer)
    {
        using var scope = NewDisposeScope();
        return buffer.detach().to_type(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();
    }

    private static void Write(Tensor buffer, double[] values)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        buffer.copy_(tensor(values, dtype: ScalarType.Float64).reshape(buffer.shape).to_type(buffer.dtype).to(buffer.device));
    }

    private sealed class Group(int worldSize, TimeSpan timeout)
    {
        public readonly double[]?[] Slots = new double[worldSize][];
        public readonly Barrier Meeting = new(worldSize);
        public readonly CancellationTokenSource Broken = new();
        public readonly TimeSpan Timeout = timeout;
        public string Reason = "";

        public void Break(string reason)
        {
            lock (this)
                if (!Broken.IsCancellationRequested)
                {
                    Reason = reason;
                    Broken.Cancel();
                }
        }
    }
}

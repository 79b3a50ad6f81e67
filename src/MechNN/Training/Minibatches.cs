using static TorchSharp.torch;

namespace MechNN.Training;

/// <summary>
/// Mini-batch indices as a pure function of the step: epoch e's order is a permutation drawn from its own generator
/// seeded with (seed, e), so any step's batch can be recomputed after a resume without saved sampler state.
/// </summary>
public sealed class Minibatches
{
    private readonly int _count;
    private readonly long _seed;
    private int _epoch = -1;
    private long[] _order = Array.Empty<long>();

    /// <summary>Batches of <paramref name="batchSize"/> from <paramref name="count"/> samples; the last, short batch of an epoch is dropped when <paramref name="dropLast"/>.</summary>
    /// <param name="count">Samples in the training set.</param>
    /// <param name="batchSize">Samples per batch.</param>
    /// <param name="seed">Seed of the epoch permutations.</param>
    /// <param name="dropLast">Drop an epoch's last incomplete batch (keeps every batch the same size).</param>
    /// <exception cref="ArgumentException">Count or batch size below 1.</exception>
    public Minibatches(int count, int batchSize, long seed, bool dropLast = false)
    {
        if (count < 1) throw new ArgumentException($"a training set needs at least one sample (got {count})");
        if (batchSize < 1) throw new ArgumentException($"batch size must be ≥ 1 (got {batchSize})");
        _count = count;
        BatchSize = Math.Min(batchSize, count);
        _seed = seed;
        PerEpoch = dropLast ? count / BatchSize : (count + BatchSize - 1) / BatchSize;
    }

    /// <summary>Samples per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Batches (optimisation steps) per epoch.</summary>
    public int PerEpoch { get; }

    /// <summary>The epoch (0-based) that <paramref name="step"/> belongs to.</summary>
    /// <param name="step">Step index (0-based).</param>
    /// <returns>The epoch.</returns>
    public int Epoch(int step) => step / PerEpoch;

    /// <summary>The sample indices of step <paramref name="step"/>'s batch.</summary>
    /// <param name="step">Step index (0-based).</param>
    /// <returns>Indices into the training set.</returns>
    public long[] Indices(int step)
    {
        int epoch = Epoch(step);
        if (epoch != _epoch)
        {
            // Not HashCode.Combine: it is randomised per process, and a resumed run must draw the same orders.
            using var generator = new Generator(SplitMix((ulong)_seed ^ SplitMix((ulong)epoch)));
            using var perm = randperm(_count, generator: generator);
            _order = perm.data<long>().ToArray();
            _epoch = epoch;
        }
        int start = (step % PerEpoch) * BatchSize;
        return _order.AsSpan(start, Math.Min(BatchSize, _count - start)).ToArray();
    }

    /// <summary>
    /// Replica <paramref name="rank"/>'s part of step <paramref name="step"/>'s batch in a group of
    /// <paramref name="worldSize"/>: contiguous slices in rank order whose sizes differ by at most one, so the shards
    /// of all ranks are exactly <see cref="Indices"/> and no sample is trained twice.
    /// </summary>
    /// <param name="step">Step index (0-based).</param>
    /// <param name="rank">Replica, 0 … worldSize − 1.</param>
    /// <param name="worldSize">Replicas.</param>
    /// <returns>Indices into the training set (empty when the batch has fewer samples than replicas).</returns>
    /// <exception cref="ArgumentException">Rank outside the group.</exception>
    public long[] Shard(int step, int rank, int worldSize)
    {
        if (worldSize < 1 || rank < 0 || rank >= worldSize) throw new ArgumentException($"rank {rank} is not a replica of a group of {worldSize}");
        var batch = Indices(step);
        long start = (long)batch.Length * rank / worldSize, end = (long)batch.Length * (rank + 1) / worldSize;
        return batch.AsSpan((int)start, (int)(end - start)).ToArray();
    }

    private static ulong SplitMix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}

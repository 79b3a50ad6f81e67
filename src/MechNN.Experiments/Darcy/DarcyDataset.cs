namespace MechNN.Experiments.Darcy;

/// <summary>
/// Darcy samples on a g×g grid: coefficient a and solution u, each a flat row-major float32 array of shape [N, g, g]
/// (sample, row, column; a[n,i,j] and u[n,i,j] are at the same point). The first <see cref="TrainCount"/> samples are
/// the training set, the rest the test set. float32 because the models are float32 and it halves memory and file
/// size; its 6e-8 relative rounding is far below the solver tolerance that matters downstream (errors of ~1e-2).
/// </summary>
public sealed class DarcyDataset
{
    /// <summary>Wraps the arrays.</summary>
    /// <param name="coefficients">a, [N, g, g] row-major.</param>
    /// <param name="solutions">u, [N, g, g] row-major.</param>
    /// <param name="gridSize">g.</param>
    /// <param name="trainCount">How many leading samples are training samples (0..N).</param>
    /// <param name="parameters">How the data were generated, or null (e.g. read from the original MAT-files).</param>
    /// <exception cref="ArgumentException">The arrays do not hold whole g×g samples of equal count.</exception>
    public DarcyDataset(float[] coefficients, float[] solutions, int gridSize, int trainCount, DarcyGenerationParameters? parameters = null)
    {
        if (gridSize < 1) throw new ArgumentException($"Darcy data: grid size must be ≥ 1, got {gridSize}.", nameof(gridSize));
        var per = gridSize * gridSize;
        if (coefficients.Length % per != 0 || coefficients.Length != solutions.Length)
            throw new ArgumentException($"Darcy data: {coefficients.Length} coefficient and {solutions.Length} solution values are not equal counts of {gridSize}×{gridSize} samples.");
        var count = coefficients.Length / per;
        if (trainCount < 0 || trainCount > count) throw new ArgumentException($"Darcy data: train count {trainCount} outside 0..{count}.", nameof(trainCount));
        Coefficients = coefficients;
        Solutions = solutions;
        GridSize = gridSize;
        Count = count;
        TrainCount = trainCount;
        Parameters = parameters;
    }

    /// <summary>a, flat [N, g, g].</summary>
    public float[] Coefficients { get; }

    /// <summary>u, flat [N, g, g].</summary>
    public float[] Solutions { get; }

    /// <summary>The grid side g.</summary>
    public int GridSize { get; }

    /// <summary>The number of samples N.</summary>
    public int Count { get; }

    /// <summary>Leading samples that form the training set.</summary>
    public int TrainCount { get; }

    /// <summary>Trailing samples that form the test set.</summary>
    public int TestCount => Count - TrainCount;

    /// <summary>Generation parameters, or null when unknown.</summary>
    public DarcyGenerationParameters? Parameters { get; }

    /// <summary>The coefficients of samples [start, start + count) as a flat [count, g, g] array (for a tensor).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is outside the data set.</exception>
    public float[] CoefficientsOf(int start, int count) => Slice(Coefficients, start, count);

    /// <summary>The solutions of samples [start, start + count) as a flat [count, g, g] array (for a tensor).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is outside the data set.</exception>
    public float[] SolutionsOf(int start, int count) => Slice(Solutions, start, count);

    /// <summary>The shape [count, g, g] of a slice, for building a tensor from <see cref="CoefficientsOf"/>.</summary>
    public long[] ShapeOf(int count) => [count, GridSize, GridSize];

    /// <summary>Every r-th node in both directions ((g−1)/r + 1 per side), as the benchmark's coarser resolutions are made.</summary>
    /// <exception cref="ArgumentException">r does not divide g − 1.</exception>
    public DarcyDataset Subsample(int r)
    {
        if (r < 1 || (GridSize - 1) % r != 0) throw new ArgumentException($"Darcy data: subsample {r} does not divide grid size − 1 = {GridSize - 1}.");
        if (r == 1) return this;
        var g = (GridSize - 1) / r + 1;
        var a = new float[Count * g * g];
        var u = new float[Count * g * g];
        for (var n = 0; n < Count; n++)
            for (var i = 0; i < g; i++)
                for (var j = 0; j < g; j++)
                {
                    var from = (n * GridSize + i * r) * GridSize + j * r;
                    a[(n * g + i) * g + j] = Coefficients[from];
                    u[(n * g + i) * g + j] = Solutions[from];
                }
        return new DarcyDataset(a, u, g, TrainCount, Parameters is null ? null : Parameters with { Subsample = Parameters.Subsample * r });
    }

    private float[] Slice(float[] data, int start, int count)
    {
        if (start < 0 || count < 0 || start + count > Count)
            throw new ArgumentOutOfRangeException(nameof(start), $"Darcy data: samples [{start}, {start + count}) outside 0..{Count}.");
        var per = GridSize * GridSize;
        return data.AsSpan(start * per, count * per).ToArray();
    }
}

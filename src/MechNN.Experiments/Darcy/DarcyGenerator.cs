namespace MechNN.Experiments.Darcy;

/// <summary>Generates a whole Darcy data set, samples in parallel (one <see cref="DarcySampler"/> per worker).</summary>
public static class DarcyGenerator
{
    /// <summary>Generates <see cref="DarcyGenerationParameters.Count"/> samples, training first.</summary>
    /// <param name="parameters">What to generate.</param>
    /// <param name="threads">The most samples solved at once (≥ 1); the result does not depend on it.</param>
    /// <param name="progress">Told after each finished sample (from worker threads), or null.</param>
    /// <param name="cancellation">Stops the generation between samples.</param>
    /// <returns>The data set on the strided grid.</returns>
    /// <exception cref="ArgumentException">A parameter is out of range.</exception>
    /// <exception cref="ArithmeticException">A solve failed.</exception>
    public static DarcyDataset Generate(DarcyGenerationParameters parameters, int threads, IProgress<int>? progress = null, CancellationToken cancellation = default)
    {
        parameters.Validate();
        if (threads < 1) throw new ArgumentException($"Darcy: threads must be ≥ 1, got {threads}.", nameof(threads));
        var g = parameters.GridSize;
        var per = g * g;
        var a = new float[parameters.Count * per];
        var u = new float[parameters.Count * per];
        var done = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellation };
        try
        {
            Parallel.For(0, parameters.Count, options, () => new DarcySampler(parameters), (n, _, sampler) =>
            {
                sampler.Generate(n, a.AsSpan(n * per, per), u.AsSpan(n * per, per));
                progress?.Report(Interlocked.Increment(ref done));
                return sampler;
            }, _ => { });
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Count > 0)
        {
            // Surface the first worker's failure (e.g. ArithmeticException), not the wrapper.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerExceptions[0]).Throw();
            throw;
        }
        return new DarcyDataset(a, u, g, parameters.Train, parameters);
    }
}

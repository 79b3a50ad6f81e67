namespace MechNN.Training;

/// <summary>
/// An <see cref="IProgress{T}"/> that runs its handler on the reporting thread, in order. (<see cref="Progress{T}"/>
/// posts to the thread pool or a synchronisation context, so reports can arrive late and out of order.)
/// </summary>
/// <typeparam name="T">The report type, e.g. <see cref="TrainingProgress"/>.</typeparam>
/// <param name="handler">Called with every report.</param>
public sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
{
    /// <summary>Calls the handler now.</summary>
    /// <param name="value">The report.</param>
    public void Report(T value) => handler(value);

    /// <summary>A reporter that calls <paramref name="watch"/> and then passes the report on to <paramref name="next"/> (if any).</summary>
    /// <param name="next">The caller's reporter, or null.</param>
    /// <param name="watch">What the intermediate code records from each report.</param>
    /// <returns>The combined reporter.</returns>
    public static SynchronousProgress<T> Tee(IProgress<T>? next, Action<T> watch) => new(value =>
    {
        watch(value);
        next?.Report(value);
    });
}

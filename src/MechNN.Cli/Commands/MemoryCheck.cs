using System.Globalization;

namespace MechNN.Cli.Commands;

/// <summary>
/// Sizes refused before any work: an option that asks for more memory than this machine has is one line naming the
/// memory it would need, what for, and the option to change — instead of a native allocation failure (or the
/// out-of-memory killer) after the work started. Estimates are lower bounds of what the command allocates.
/// </summary>
internal static class MemoryCheck
{
    /// <summary>The memory this process may use: the GC's view of physical memory or the container's limit. Tests
    /// replace it so that a refusal does not depend on the machine the tests run on.</summary>
    internal static Func<long> Available { get; set; } = () => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>Fails with one line unless <paramref name="bytes"/> fit in <see cref="Available"/>.</summary>
    /// <param name="request">The option and value asked for, e.g. "--train 2,000,000,000".</param>
    /// <param name="bytes">The bytes the command would allocate (double: products of sizes overflow a long).</param>
    /// <param name="what">What those bytes hold, e.g. "the training points and one full-batch step's activations".</param>
    /// <param name="change">The option(s) to change, e.g. "lower --train".</param>
    public static void Require(string request, double bytes, string what, string change)
    {
        long available = Available();
        if (bytes <= available) return;
        throw new ArgumentException($"{request} needs at least {Size(bytes)} for {what}; this machine has {Size(available)}: {change}.");
    }

    /// <summary>A count with thousands separators, as options are echoed in messages.</summary>
    public static string Count(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Size(double bytes) =>
        string.Create(CultureInfo.InvariantCulture, $"{bytes / (1L << 30):F1} GiB ({bytes:N0} bytes)");
}

namespace MechNN.Cli.Commands;

/// <summary>What a trajectory held in memory costs, for <see cref="MemoryCheck"/>.</summary>
internal static class Samples
{
    /// <summary>Bytes of <paramref name="count"/> samples of <paramref name="states"/> float64 states: its time, and
    /// <paramref name="copies"/> rows of states, each a separate array (24-byte header and an 8-byte reference).</summary>
    public static double Bytes(double count, double states, int copies) => count * (8 + copies * (8 * states + 32));
}

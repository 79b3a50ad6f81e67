namespace MechNN.Ode;

/// <summary>Formats a flat batch index as a multi-index over the batch shape, e.g. 7 in (2,4) → [1,3].</summary>
internal static class BatchIndex
{
    public static string Format(long flat, long[] shape)
    {
        if (shape.Length == 0) return "[] (the single system)";
        var idx = new long[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--) { idx[d] = flat % shape[d]; flat /= shape[d]; }
        return "[" + string.Join(",", idx) + "]";
    }
}

using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Tensors;

internal static class Broadcasting
{
    /// <summary>Sums a broadcast gradient back to the shape of the input it came from (inverse of broadcasting).</summary>
    public static Tensor SumToShape(Tensor grad, long[] shape)
    {
        var g = grad;
        int extra = (int)g.dim() - shape.Length;
        if (extra > 0) g = g.sum(Enumerable.Range(0, extra).Select(i => (long)i).ToArray());
        var reduce = Enumerable.Range(0, shape.Length).Where(i => shape[i] == 1 && g.shape[i] != 1).Select(i => (long)i).ToArray();
        if (reduce.Length > 0) g = g.sum(reduce, keepdim: true);
        return g.reshape(shape);
    }

    /// <summary>Expands to the batch shape followed by the given trailing sizes (a view), then flattens the batch.</summary>
    public static Tensor ExpandFlat(Tensor aligned, long[] batch, params long[] trailing) =>
        aligned.expand(batch.Concat(trailing).ToArray()).reshape(new[] { batch.Aggregate(1L, (a, b) => a * b) }.Concat(trailing).ToArray());
}

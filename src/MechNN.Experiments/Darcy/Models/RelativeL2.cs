using static TorchSharp.torch;

namespace MechNN.Experiments.Darcy.Models;

/// <summary>
/// The benchmark's metric: per sample ‖ŷ − y‖₂ / ‖y‖₂ over the flattened grid (the FNO code's <c>LpLoss(p = 2).rel</c>).
/// </summary>
public static class RelativeL2
{
    /// <summary>Relative L2 error of each sample.</summary>
    /// <param name="prediction">(N, …) predictions.</param>
    /// <param name="target">(N, …) targets, same shape.</param>
    /// <returns>(N) errors.</returns>
    /// <exception cref="ArgumentException">Shapes differ.</exception>
    public static Tensor PerSample(Tensor prediction, Tensor target)
    {
        if (!prediction.shape.SequenceEqual(target.shape))
            throw new ArgumentException($"prediction [{string.Join(", ", prediction.shape)}] and target [{string.Join(", ", target.shape)}] differ in shape");
        long n = target.shape[0];
        var diff = (prediction - target).reshape(n, -1);
        return diff.norm(1, false, 2) / target.reshape(n, -1).norm(1, false, 2);
    }

    /// <summary>Mean over the batch of <see cref="PerSample"/> (LpLoss with size_average).</summary>
    /// <param name="prediction">(N, …) predictions.</param>
    /// <param name="target">(N, …) targets.</param>
    /// <returns>A scalar.</returns>
    public static Tensor Mean(Tensor prediction, Tensor target) => PerSample(prediction, target).mean();

    /// <summary>Sum over the batch of <see cref="PerSample"/> (LpLoss without size_average: what the reference script back-propagates).</summary>
    /// <param name="prediction">(N, …) predictions.</param>
    /// <param name="target">(N, …) targets.</param>
    /// <returns>A scalar.</returns>
    public static Tensor Sum(Tensor prediction, Tensor target) => PerSample(prediction, target).sum();
}

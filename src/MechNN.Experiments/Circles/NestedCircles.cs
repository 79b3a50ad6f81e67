using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Experiments.Circles;

/// <summary>
/// The nested-circles (nested-spheres) task of Augmented Neural ODEs (Dupont et al. 2019): points of an inner ball of
/// radius ≤ 0.5 are labelled −1, points of the shell 1 ≤ r ≤ 1.5 are labelled +1. Radius uniform in its range, direction
/// uniform on the sphere; seeded.
/// </summary>
public static class NestedCircles
{
    /// <returns>Points (N, dims) and labels (N) in {−1, +1}, float64.</returns>
    public static (Tensor X, Tensor Y) Generate(int count, long seed, int dims = 2, double innerRadius = 0.5, double shellFrom = 1.0, double shellTo = 1.5)
    {
        if (count < 2) throw new ArgumentOutOfRangeException(nameof(count), count, "At least two points are needed.");
        if (dims < 1) throw new ArgumentOutOfRangeException(nameof(dims), dims, "At least one dimension is needed.");
        var g = manual_seed(seed);
        var direction = randn(new long[] { count, dims }, dtype: ScalarType.Float64, generator: g);
        direction = direction / direction.norm(1, keepdim: true);
        var inner = rand(new long[] { count }, dtype: ScalarType.Float64, generator: g).lt(0.5);
        var u = rand(new long[] { count }, dtype: ScalarType.Float64, generator: g);
        var radius = torch.where(inner, innerRadius * u, shellFrom + (shellTo - shellFrom) * u);
        var labels = torch.where(inner, full(count, -1.0, dtype: ScalarType.Float64), full(count, 1.0, dtype: ScalarType.Float64));
        return (direction * radius.unsqueeze(1), labels);
    }
}

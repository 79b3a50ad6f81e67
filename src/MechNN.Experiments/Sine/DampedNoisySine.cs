using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Experiments.Sine;

/// <summary>
/// The paper's §5.7 / reference fit/sine data: y(t) = (sin 2t + σ·N(0,1))·e^(−0.1t) on a uniform grid of [0, End].
/// </summary>
public sealed class DampedNoisySine
{
    public int Points { get; }
    public double End { get; }
    public double NoiseScale { get; }
    public double[] Times { get; }
    /// <summary>The noise-free signal sin(2t)·e^(−0.1t), float64 (T).</summary>
    public Tensor Clean { get; }
    private readonly Tensor _envelope;
    private readonly Generator _generator;

    public DampedNoisySine(int points, long seed, double end = 50, double noiseScale = 0.5)
    {
        if (points < 3) throw new ArgumentOutOfRangeException(nameof(points), points, "At least 3 points are needed.");
        Points = points; End = end; NoiseScale = noiseScale;
        var t = linspace(0, end, points, dtype: ScalarType.Float64);
        Times = t.data<double>().ToArray();
        _envelope = (-0.1 * t).exp();
        Clean = (2 * t).sin() * _envelope;
        _generator = manual_seed(seed);
    }

    /// <summary>A fresh noisy draw of the target (T), float64.</summary>
    public Tensor Sample() => Clean + NoiseScale * randn(Points, dtype: ScalarType.Float64, generator: _generator) * _envelope;
}

using MechNN.IO.ModelFiles;
using static TorchSharp.torch;

namespace MechNN.Experiments.Darcy.Models;

/// <summary>
/// Pointwise standardisation fitted on a training set (the FNO benchmark's <c>UnitGaussianNormalizer</c>): every grid
/// point gets its own mean and standard deviation over the samples; encode = (x − μ)/(σ + ε), decode inverts it exactly.
/// </summary>
public sealed class UnitGaussianNormalizer
{
    /// <summary>Added to σ so a grid point that never varies (e.g. a Dirichlet boundary) does not divide by zero.</summary>
    public const double Epsilon = 1e-5;

    /// <summary>A normaliser with the given statistics (each of shape (s, s)).</summary>
    /// <param name="mean">Pointwise mean.</param>
    /// <param name="std">Pointwise (unbiased) standard deviation.</param>
    /// <exception cref="ArgumentException">Shapes differ.</exception>
    public UnitGaussianNormalizer(Tensor mean, Tensor std)
    {
        if (!mean.shape.SequenceEqual(std.shape))
            throw new ArgumentException($"normaliser mean [{string.Join(", ", mean.shape)}] and std [{string.Join(", ", std.shape)}] differ in shape");
        Mean = mean.detach().to_type(ScalarType.Float32);
        Std = std.detach().to_type(ScalarType.Float32);
    }

    /// <summary>Pointwise mean, shape (s, s).</summary>
    public Tensor Mean { get; private set; }

    /// <summary>Pointwise standard deviation, shape (s, s).</summary>
    public Tensor Std { get; private set; }

    /// <summary>Fits the statistics over the first axis of <paramref name="samples"/> (N, s, s).</summary>
    /// <param name="samples">Training fields, N ≥ 2.</param>
    /// <returns>The fitted normaliser, on the samples' device.</returns>
    /// <exception cref="ArgumentException">Fewer than two samples.</exception>
    public static UnitGaussianNormalizer Fit(Tensor samples)
    {
        if (samples.dim() < 2 || samples.shape[0] < 2)
            throw new ArgumentException($"a normaliser needs at least 2 samples (got shape [{string.Join(", ", samples.shape)}])");
        using var scope = NewDisposeScope();
        var x = samples.to_type(ScalarType.Float32);
        var n = new UnitGaussianNormalizer(x.mean(new long[] { 0 }), x.std(0, unbiased: true));
        n.Mean.MoveToOuterDisposeScope();
        n.Std.MoveToOuterDisposeScope();
        return n;
    }

    /// <summary>(x − μ)/(σ + ε), broadcast over leading axes.</summary>
    /// <param name="x">Fields (…, s, s).</param>
    /// <returns>Standardised fields.</returns>
    public Tensor Encode(Tensor x) => (x - Mean) / (Std + Epsilon);

    /// <summary>x·(σ + ε) + μ, the inverse of <see cref="Encode"/>.</summary>
    /// <param name="x">Standardised fields (…, s, s).</param>
    /// <returns>Fields in physical units.</returns>
    public Tensor Decode(Tensor x) => x * (Std + Epsilon) + Mean;

    /// <summary>Moves the statistics to <paramref name="device"/>.</summary>
    /// <param name="device">Target device.</param>
    public void To(Device device)
    {
        Mean = Mean.to(device);
        Std = Std.to(device);
    }

    /// <summary>The statistics as stored tensors named <c>{prefix}.mean</c> and <c>{prefix}.std</c>.</summary>
    /// <param name="prefix">Name prefix in the model file.</param>
    /// <returns>Two stored tensors.</returns>
    public IEnumerable<StoredTensor> Store(string prefix)
    {
        foreach (var (name, t) in new[] { ("mean", Mean), ("std", Std) })
        {
            using var c = t.detach().cpu().to_type(ScalarType.Float64).contiguous();
            yield return new StoredTensor($"{prefix}.{name}", t.shape, c.data<double>().ToArray());
        }
    }

    /// <summary>Reads the statistics stored by <see cref="Store"/>.</summary>
    /// <param name="file">The model file.</param>
    /// <param name="prefix">Name prefix used when storing.</param>
    /// <returns>The normaliser (on the CPU).</returns>
    /// <exception cref="ModelFileException">A statistic is missing or the two disagree in shape.</exception>
    public static UnitGaussianNormalizer Restore(ModelFile file, string prefix)
    {
        Tensor Read(string name)
        {
            var s = file.Parameters.FirstOrDefault(p => p.Name == $"{prefix}.{name}")
                ?? throw new ModelFileException($"{file.Source}: '{file.Kind}' model file lacks the normaliser statistic '{prefix}.{name}'");
            return tensor(s.Values, dtype: ScalarType.Float64).reshape(s.Shape);
        }
        using var mean = Read("mean");
        using var std = Read("std");
        if (!mean.shape.SequenceEqual(std.shape) || mean.dim() != 2)
            throw new ModelFileException($"{file.Source}: normaliser '{prefix}' has mean [{string.Join(", ", mean.shape)}] and std [{string.Join(", ", std.shape)}]; expected two (s, s) grids");
        return new UnitGaussianNormalizer(mean, std);
    }
}

using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Discovery.Libraries;

/// <summary>Several libraries side by side: Θ = [Θ₁ | Θ₂ | …] (PySINDy's `lib1 + lib2`).</summary>
public sealed class ConcatLibrary(params ICandidateLibrary[] parts) : ICandidateLibrary
{
    /// <summary>The libraries whose features are concatenated, in order.</summary>
    public IReadOnlyList<ICandidateLibrary> Parts { get; } = parts.Length > 0 ? parts : throw new ArgumentException("At least one library is needed.");

    /// <inheritdoc/>
    public IReadOnlyList<string> FeatureNames(IReadOnlyList<string> inputs) => Parts.SelectMany(p => p.FeatureNames(inputs)).ToList();

    /// <inheritdoc/>
    public double[] Evaluate(ReadOnlySpan<double> state)
    {
        var all = new List<double>();
        foreach (var p in Parts) all.AddRange(p.Evaluate(state));
        return all.ToArray();
    }

    /// <inheritdoc/>
    public Tensor Evaluate(Tensor states) => cat(Parts.Select(p => p.Evaluate(states)).ToArray(), -1);
}

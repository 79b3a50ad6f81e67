using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Discovery.Libraries;

/// <summary>A set of candidate functions Θ(x) of the state, evaluated row by row (PySINDy's feature library).</summary>
public interface ICandidateLibrary
{
    /// <summary>Feature names for the given input names, e.g. "1", "x0", "x0^2", "x0 x1".</summary>
    IReadOnlyList<string> FeatureNames(IReadOnlyList<string> inputs);
    /// <summary>Θ(x) for one state: one value per feature.</summary>
    double[] Evaluate(ReadOnlySpan<double> state);
    /// <summary>Θ(x) on a tensor of states (…, inputs) → (…, features), differentiable.</summary>
    Tensor Evaluate(Tensor states);
}

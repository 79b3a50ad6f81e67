using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Discovery.Libraries;

/// <summary>One user function of one variable, with its tensor form (for MNN discovery) and how to name it.</summary>
public sealed record CandidateFunction(Func<double, double> Scalar, Func<Tensor, Tensor> Tensor, Func<string, string> Name);

/// <summary>User functions applied to every input (PySINDy's CustomLibrary for functions of one variable): function-major.</summary>
public sealed class CustomLibrary(int inputs, IReadOnlyList<CandidateFunction> functions) : ICandidateLibrary
{
    /// <summary>State dimension the functions are applied to.</summary>
    public int Inputs { get; } = inputs >= 1 ? inputs : throw new ArgumentOutOfRangeException(nameof(inputs));
    /// <summary>The functions; each is applied to every input in turn.</summary>
    public IReadOnlyList<CandidateFunction> Functions { get; } = functions.Count > 0 ? functions : throw new ArgumentException("At least one function is needed.");

    /// <inheritdoc/>
    public IReadOnlyList<string> FeatureNames(IReadOnlyList<string> inputs) => Functions.SelectMany(f => inputs.Select(f.Name)).ToList();

    /// <inheritdoc/>
    public double[] Evaluate(ReadOnlySpan<double> state)
    {
        var values = new double[Functions.Count * Inputs];
        int k = 0;
        foreach (var f in Functions) for (int j = 0; j < Inputs; j++) values[k++] = f.Scalar(state[j]);
        return values;
    }

    /// <inheritdoc/>
    public Tensor Evaluate(Tensor states) =>
        stack(Functions.SelectMany(f => Enumerable.Range(0, Inputs).Select(j => f.Tensor(states.select(-1, j)))), -1);
}

using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Discovery.Libraries;

/// <summary>sin(k·xⱼ), cos(k·xⱼ) for k = 1..Frequencies, in PySINDy's order (frequency-major, then input, sin before cos).</summary>
public sealed class FourierLibrary : ICandidateLibrary
{
    /// <summary>State dimension.</summary>
    public int Inputs { get; }
    /// <summary>Highest frequency k: sin(k·x) and cos(k·x) for k = 1..Frequencies.</summary>
    public int Frequencies { get; }

    /// <summary>sin/cos features of every input at frequencies 1..<paramref name="frequencies"/>.</summary>
    /// <param name="inputs">State dimension.</param>
    /// <param name="frequencies">Highest frequency.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument below 1.</exception>
    public FourierLibrary(int inputs, int frequencies)
    {
        if (inputs < 1) throw new ArgumentOutOfRangeException(nameof(inputs), inputs, "At least one input is needed.");
        if (frequencies < 1) throw new ArgumentOutOfRangeException(nameof(frequencies), frequencies, "At least one frequency is needed.");
        Inputs = inputs; Frequencies = frequencies;
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> FeatureNames(IReadOnlyList<string> inputs) =>
        Enumerable.Range(1, Frequencies).SelectMany(k => inputs.SelectMany(x => new[] { $"sin({k} {x})", $"cos({k} {x})" })).ToList();

    /// <inheritdoc/>
    public double[] Evaluate(ReadOnlySpan<double> state)
    {
        var values = new double[2 * Inputs * Frequencies];
        int f = 0;
        for (int k = 1; k <= Frequencies; k++)
            for (int j = 0; j < Inputs; j++) { values[f++] = Math.Sin(k * state[j]); values[f++] = Math.Cos(k * state[j]); }
        return values;
    }

    /// <inheritdoc/>
    public Tensor Evaluate(Tensor states) =>
        stack(Enumerable.Range(1, Frequencies).SelectMany(k => Enumerable.Range(0, Inputs)
            .SelectMany(j => new[] { (k * states.select(-1, j)).sin(), (k * states.select(-1, j)).cos() })), -1);
}

using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Discovery.Libraries;

/// <summary>
/// All monomials up to a degree, in scikit-learn/PySINDy order: by degree, then lexicographic combinations with
/// repetition ("1", "x0", "x1", "x0^2", "x0 x1", "x1^2", …). Options: no bias, interaction terms only.
/// </summary>
public sealed class PolynomialLibrary : ICandidateLibrary
{
    private readonly int[][] _terms; // each term: the input index of every factor (sorted)
    /// <summary>Highest total degree of a monomial.</summary>
    public int Degree { get; }
    /// <summary>Whether the constant term 1 is the first feature.</summary>
    public bool IncludeBias { get; }
    /// <summary>Only products of distinct inputs (no powers), as scikit-learn's option.</summary>
    public bool InteractionOnly { get; }
    /// <summary>State dimension.</summary>
    public int Inputs { get; }

    /// <summary>All monomials of the inputs up to <paramref name="degree"/>, in scikit-learn/PySINDy order.</summary>
    /// <param name="inputs">State dimension.</param>
    /// <param name="degree">Highest total degree.</param>
    /// <param name="includeBias">Include the constant term.</param>
    /// <param name="interactionOnly">Products of distinct inputs only.</param>
    /// <exception cref="ArgumentOutOfRangeException">Inputs or degree below 1.</exception>
    public PolynomialLibrary(int inputs, int degree, bool includeBias = true, bool interactionOnly = false)
    {
        if (inputs < 1) throw new ArgumentOutOfRangeException(nameof(inputs), inputs, "At least one input is needed.");
        if (degree < 1) throw new ArgumentOutOfRangeException(nameof(degree), degree, "The degree must be ≥ 1.");
        Inputs = inputs; Degree = degree; IncludeBias = includeBias; InteractionOnly = interactionOnly;
        var terms = new List<int[]>();
        if (includeBias) terms.Add(Array.Empty<int>());
        for (int d = 1; d <= degree; d++) Combinations(new List<int>(), 0, d, terms);
        _terms = terms.ToArray();
    }

    private void Combinations(List<int> prefix, int start, int remaining, List<int[]> into)
    {
        if (remaining == 0) { into.Add(prefix.ToArray()); return; }
        for (int i = start; i < Inputs; i++)
        {
            prefix.Add(i);
            Combinations(prefix, InteractionOnly ? i + 1 : i, remaining - 1, into);
            prefix.RemoveAt(prefix.Count - 1);
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> FeatureNames(IReadOnlyList<string> inputs)
    {
        if (inputs.Count != Inputs) throw new ArgumentException($"The library has {Inputs} inputs; got {inputs.Count} names.");
        return _terms.Select(term => term.Length == 0 ? "1" : string.Join(" ", term.GroupBy(i => i)
            .Select(g => g.Count() == 1 ? inputs[g.Key] : $"{inputs[g.Key]}^{g.Count()}"))).ToList();
    }

    /// <inheritdoc/>
    public Tensor Evaluate(Tensor states)
    {
        if (states.size(-1) != Inputs) throw new ArgumentException($"The library has {Inputs} inputs; got states of width {states.size(-1)}.");
        var columns = _terms.Select(term =>
        {
            var v = ones_like(states.select(-1, 0));
            foreach (var i in term) v = v * states.select(-1, i);
            return v;
        });
        return stack(columns, -1);
    }

    /// <inheritdoc/>
    public double[] Evaluate(ReadOnlySpan<double> state)
    {
        if (state.Length != Inputs) throw new ArgumentException($"The library has {Inputs} inputs; got a state of {state.Length}.");
        var values = new double[_terms.Length];
        for (int f = 0; f < _terms.Length; f++)
        {
            double v = 1;
            foreach (var i in _terms[f]) v *= state[i];
            values[f] = v;
        }
        return values;
    }
}

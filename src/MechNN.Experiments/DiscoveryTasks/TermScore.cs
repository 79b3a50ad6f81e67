namespace MechNN.Experiments.DiscoveryTasks;

/// <summary>
/// How a discovered coefficient matrix ξ matches the true one, term by term: true terms found (non-zero in both),
/// wrong terms (non-zero only in ξ), missing terms (non-zero only in the truth), and the largest relative error
/// |ξ − ξ*| / |ξ*| over the true terms found (NaN when none was found).
/// </summary>
public sealed record TermScore(int Correct, int Wrong, int Missing, double MaxRelativeError)
{
    /// <summary>Scores <paramref name="found"/> against <paramref name="truth"/> (equations × library features).</summary>
    /// <param name="truth">The true coefficients; zero marks a term that is not in the system.</param>
    /// <param name="found">The discovered coefficients, same shape; exactly zero marks a pruned term.</param>
    /// <returns>The counts and the worst relative error.</returns>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public static TermScore Of(double[][] truth, double[][] found)
    {
        if (found.Length != truth.Length) throw new ArgumentException($"{found.Length} discovered equations, the truth has {truth.Length}", nameof(found));
        int correct = 0, wrong = 0, missing = 0;
        double worst = 0;
        for (int d = 0; d < truth.Length; d++)
        {
            if (found[d].Length != truth[d].Length)
                throw new ArgumentException($"equation {d}: {found[d].Length} discovered coefficients, the truth has {truth[d].Length}", nameof(found));
            for (int f = 0; f < truth[d].Length; f++)
            {
                bool isTrue = truth[d][f] != 0, isFound = found[d][f] != 0;
                if (isTrue && isFound) { correct++; worst = Math.Max(worst, Math.Abs(found[d][f] - truth[d][f]) / Math.Abs(truth[d][f])); }
                else if (isTrue) missing++;
                else if (isFound) wrong++;
            }
        }
        return new TermScore(correct, wrong, missing, correct == 0 ? double.NaN : worst);
    }
}

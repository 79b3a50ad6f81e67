using System.Globalization;

namespace MechNN.Discovery;

/// <summary>Prints discovered equations like PySINDy: "(x0)' = -0.100 x0 + 2.000 x1" (terms joined by " + ", signs kept).</summary>
public static class EquationFormatter
{
    public static string Format(double[] coefficients, IReadOnlyList<string> features, int precision = 3)
    {
        var terms = new List<string>();
        for (int f = 0; f < coefficients.Length; f++)
        {
            if (Math.Round(coefficients[f], precision) == 0) continue;   // PySINDy drops terms that round to zero
            var value = coefficients[f].ToString("F" + precision, CultureInfo.InvariantCulture);
            terms.Add($"{value} {features[f]}");   // PySINDy prints the constant as "c 1"
        }
        return terms.Count == 0 ? (0.0).ToString("F" + precision, CultureInfo.InvariantCulture) : string.Join(" + ", terms);
    }

    public static IReadOnlyList<string> Format(double[][] coefficients, IReadOnlyList<string> features, IReadOnlyList<string> names, int precision = 3) =>
        coefficients.Select((c, i) => $"({names[i]})' = {Format(c, features, precision)}").ToList();
}

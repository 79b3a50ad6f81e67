using System.Globalization;

namespace MechNN.Discovery;

/// <summary>
/// The one printer of discovered equations: text like PySINDy 1.x prints it, "(x0)' = -0.100 x0 + 2.000 x1" (terms
/// joined by " + ", signs kept, the constant as "c 1"), and LaTeX. PySINDy 2.x's format (issue 14) changes
/// <see cref="Coefficient"/> only.
/// </summary>
public static class EquationFormatter
{
    /// <summary>One coefficient as printed (PySINDy 1.x: "{c:.3f}").</summary>
    public static string Coefficient(double value, int precision) => value.ToString("F" + precision, CultureInfo.InvariantCulture);

    /// <summary>Σ cᵢ·featureᵢ over the terms that do not round to zero (PySINDy drops those); "0.000" when none is left.</summary>
    /// <param name="coefficients">One coefficient per feature.</param>
    /// <param name="features">Feature names, as the library names them.</param>
    /// <param name="precision">Decimals.</param>
    public static string Format(double[] coefficients, IReadOnlyList<string> features, int precision = 3)
    {
        var terms = new List<string>();
        for (int f = 0; f < coefficients.Length; f++)
        {
            if (Math.Round(coefficients[f], precision) == 0) continue;
            terms.Add($"{Coefficient(coefficients[f], precision)} {features[f]}");
        }
        return terms.Count == 0 ? Coefficient(0, precision) : string.Join(" + ", terms);
    }

    /// <summary>"(name)' = rhs".</summary>
    public static string Equation(string name, string rhs) => $"({name})' = {rhs}";

    /// <summary>"(numerator) / (1 + denominator)": the rational form p/q with q's constant fixed to 1.</summary>
    public static string Rational(string numerator, string denominator) => $"({numerator}) / (1 + {denominator})";

    /// <summary>"g(rhs)": a known outer function around the library sum.</summary>
    public static string Outer(string function, string rhs) => $"{function}({rhs})";

    /// <summary>Σ cᵢ·featureᵢ in LaTeX over the non-zero terms ("0" when none), minus signs folded in.</summary>
    public static string Latex(double[] coefficients, IReadOnlyList<string> features, int precision = 3)
    {
        static string Term(string f) => f == "1" ? "" : @"\," + string.Join(" ", f.Split(' ').Select(p =>
            p.Contains('^') ? $@"\mathrm{{{p.Split('^')[0]}}}^{{{p.Split('^')[1]}}}" : $@"\mathrm{{{p}}}"));
        var terms = coefficients.Select((c, f) => (c, f)).Where(p => p.c != 0).Select(p => Coefficient(p.c, precision) + Term(features[p.f])).ToList();
        return terms.Count == 0 ? "0" : string.Join(" + ", terms).Replace("+ -", "- ");
    }

    /// <summary>The LaTeX equations as one aligned block.</summary>
    /// <param name="names">State names.</param>
    /// <param name="rightHandSides">One LaTeX right-hand side per state.</param>
    public static string LatexBlock(IReadOnlyList<string> names, IReadOnlyList<string> rightHandSides) =>
        @"\begin{aligned}" + "\n"
        + string.Join(@" \\" + "\n", names.Select((name, i) => $@"\dot{{\mathrm{{{name}}}}} &= {rightHandSides[i]}"))
        + "\n" + @"\end{aligned}";
}

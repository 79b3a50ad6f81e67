using System.Globalization;
using System.Numerics;

namespace MechNN.Discovery;

/// <summary>
/// The one printer of discovered equations, in every format: text as PySINDy 2.x's <c>model.print()</c> shows it
/// ("(x0)' = -0.100 x0 +  2.000 x1": each term is Python's <c>f"{c: .3f} {name}"</c>, so a positive coefficient keeps a
/// leading space, terms joined by " + ", terms that round to zero dropped, an empty right-hand side " 0.000"), LaTeX, and
/// SymPy-parsable expressions ("-0.1*x0 + 2.0*x1", "x0**2").
/// </summary>
public static class EquationFormatter
{
    /// <summary>One coefficient as Python's <c>f"{c: .{precision}f}"</c> prints it: "-" or a space, then the value
    /// rounded half-to-even on its exact binary value (Python's rule; .NET's "F" rounds exact ties away from zero).</summary>
    public static string Coefficient(double value, int precision) => Fixed(value, precision, positiveSign: " ");

    /// <summary>True when PySINDy drops the term: numpy's round(c, precision) (c·10ᵖ rounded half-to-even) is zero.</summary>
    public static bool RoundsToZero(double value, int precision) => Math.Round(value * Math.Pow(10, precision), MidpointRounding.ToEven) == 0;

    /// <summary>Σ cᵢ·featureᵢ as PySINDy's <c>equations()</c> gives it: the terms that do not round to zero, each
    /// <see cref="Coefficient"/> + " " + name, joined by " + "; " 0.000" when none is left.</summary>
    /// <param name="coefficients">One coefficient per feature.</param>
    /// <param name="features">Feature names, as the library names them.</param>
    /// <param name="precision">Decimals.</param>
    public static string Format(double[] coefficients, IReadOnlyList<string> features, int precision = 3)
    {
        var terms = coefficients.Select((c, f) => (c, f)).Where(p => !RoundsToZero(p.c, precision))
            .Select(p => $"{Coefficient(p.c, precision)} {features[p.f]}").ToList();
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
        var terms = coefficients.Select((c, f) => (c, f)).Where(p => p.c != 0).Select(p => Fixed(p.c, precision, "") + Term(features[p.f])).ToList();
        return terms.Count == 0 ? "0" : string.Join(" + ", terms).Replace("+ -", "- ");
    }

    /// <summary>The LaTeX equations as one aligned block.</summary>
    /// <param name="names">State names.</param>
    /// <param name="rightHandSides">One LaTeX right-hand side per state.</param>
    public static string LatexBlock(IReadOnlyList<string> names, IReadOnlyList<string> rightHandSides) =>
        @"\begin{aligned}" + "\n"
        + string.Join(@" \\" + "\n", names.Select((name, i) => $@"\dot{{\mathrm{{{name}}}}} &= {rightHandSides[i]}"))
        + "\n" + @"\end{aligned}";

    /// <summary>
    /// Σ cᵢ·featureᵢ as a SymPy expression over the non-zero terms, at full precision (the shortest text that reads back
    /// as the same double): products "*", powers "**", the constant bare, minus signs folded in ("-10.0*x0 + 10.0*x1",
    /// "1.0*x0**2"); "0" when none.
    /// </summary>
    public static string Sympy(double[] coefficients, IReadOnlyList<string> features)
    {
        var terms = coefficients.Select((c, f) => (c, f)).Where(p => p.c != 0)
            .Select(p => features[p.f] == "1" ? SympyNumber(p.c) : $"{SympyNumber(p.c)}*{SympyFactor(features[p.f])}").ToList();
        return terms.Count == 0 ? "0" : string.Join(" + ", terms).Replace("+ -", "- ");
    }

    /// <summary>A feature name as a SymPy factor: "x0 x1^2" → "x0*x1**2", "sin(1 x1)" → "sin(1*x1)".</summary>
    public static string SympyFactor(string feature) => feature.Replace("^", "**").Replace(" ", "*");

    /// <summary>Python's repr of a float for the values a model holds: "10.0", "-0.1", "1e-05".</summary>
    private static string SympyNumber(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e");
        return text.Contains('.') || text.Contains('e') ? text : text + ".0";
    }

    /// <summary>Fixed-point text of the exact binary value rounded half-to-even to <paramref name="precision"/> decimals.</summary>
    private static string Fixed(double value, int precision, string positiveSign)
    {
        long bits = BitConverter.DoubleToInt64Bits(value);
        bool negative = bits < 0;
        int exponent = (int)((bits >> 52) & 0x7FF);
        long fraction = bits & 0xF_FFFF_FFFF_FFFFL;
        BigInteger mantissa = exponent == 0 ? fraction : fraction | (1L << 52);
        int power = (exponent == 0 ? 1 : exponent) - 1075;                                  // value = mantissa · 2^power
        var scaled = mantissa * BigInteger.Pow(10, precision);
        BigInteger digits;
        if (power >= 0) digits = scaled << power;
        else
        {
            var denominator = BigInteger.One << -power;
            digits = BigInteger.DivRem(scaled, denominator, out var remainder);
            int half = (remainder * 2).CompareTo(denominator);
            if (half > 0 || (half == 0 && !digits.IsEven)) digits += 1;
        }
        var text = digits.ToString(CultureInfo.InvariantCulture).PadLeft(precision + 1, '0');
        if (precision > 0) text = text[..^precision] + "." + text[^precision..];
        return (negative ? "-" : positiveSign) + text;
    }
}

using System.Globalization;
using MechNN.Discovery.Libraries;
using MechNN.Discovery.Sindy;
using MechNN.Integrators;
using MechNN.IO.ModelFiles;

namespace MechNN.Discovery;

/// <summary>
/// What every discovery method returns (PySINDy's fitted estimator): ẋ = f(x) with
/// fᵢ(x) = g( Θ(x)·ξᵢ / (1 + Θ₀(x)·ηᵢ) ), where Θ is the candidate library, ξ the coefficients, η the optional
/// denominator of a rational form (Θ₀ = Θ without its constant) and g an optional known outer function. It prints its
/// equations (text and LaTeX), predicts ẋ, simulates, scores, and saves as a <see cref="ModelFile"/> of kind
/// <see cref="Kind"/> (see DiscoveredModel.File.cs).
/// </summary>
public sealed partial class DiscoveredModel : ISavableModel
{
    /// <summary>Builds a fitted model; the estimators do this, and so can a user who knows the coefficients.</summary>
    /// <param name="method">The method that found it ("sindy", "mnn", "mnn-rational", or any name).</param>
    /// <param name="library">The candidate library Θ.</param>
    /// <param name="names">One name per state variable.</param>
    /// <param name="coefficients">ξ[state][term], one row per state, one value per library feature.</param>
    /// <param name="denominator">η[state][term ≠ "1"] of the rational form, or null; needs a library whose first feature is "1".</param>
    /// <param name="outer">The known outer function g, or null.</param>
    /// <param name="settings">The fit's settings (threshold, window, …), kept with the model.</param>
    /// <exception cref="ArgumentException">Shapes that do not match the library and names, or a non-finite coefficient.</exception>
    public DiscoveredModel(string method, ICandidateLibrary library, IReadOnlyList<string> names, double[][] coefficients,
        double[][]? denominator = null, OuterFunction? outer = null, IReadOnlyDictionary<string, double>? settings = null)
    {
        if (string.IsNullOrWhiteSpace(method)) throw new ArgumentException("The method needs a name.", nameof(method));
        if (names.Count == 0) throw new ArgumentException("A model needs at least one state.", nameof(names));
        Method = method;
        Library = library;
        Names = names.ToArray();
        FeatureNames = library.FeatureNames(Names);
        int features = FeatureNames.Count;
        int evaluated;
        try { evaluated = library.Evaluate(new double[names.Count]).Length; }
        catch (IndexOutOfRangeException) { evaluated = -1; }
        if (evaluated != features)
            throw new ArgumentException($"The library does not read {names.Count} states ({string.Join(", ", Names)}).", nameof(library));
        Coefficients = Checked(coefficients, "coefficients", features, nameof(coefficients));
        if (denominator is not null)
        {
            if (FeatureNames[0] != "1")
                throw new ArgumentException("A rational form needs a library whose first feature is the constant \"1\".", nameof(denominator));
            Denominator = Checked(denominator, "denominator", features - 1, nameof(denominator));
        }
        Outer = outer;
        Settings = new Dictionary<string, double>(settings ?? new Dictionary<string, double>());
    }

    /// <summary>A model on a stored library spec (as read back from a file, or written by hand).</summary>
    public DiscoveredModel(string method, LibrarySpec library, IReadOnlyList<string> names, double[][] coefficients)
        : this(method, library.Build(), names, coefficients) { }

    /// <summary>The method that found the model.</summary>
    public string Method { get; }
    /// <summary>The candidate library Θ.</summary>
    public ICandidateLibrary Library { get; }
    /// <summary>State names.</summary>
    public IReadOnlyList<string> Names { get; }
    /// <summary>The library's feature names for <see cref="Names"/> ("1", "x0", "x0 x1", …).</summary>
    public IReadOnlyList<string> FeatureNames { get; }
    /// <summary>ξ[state][term] (zeros where pruned).</summary>
    public double[][] Coefficients { get; }
    /// <summary>η[state][term ≠ "1"] of the rational form (q = 1 + Θ₀η), or null.</summary>
    public double[][]? Denominator { get; }
    /// <summary>The known outer function g, or null.</summary>
    public OuterFunction? Outer { get; }
    /// <summary>The fit's settings (threshold, …).</summary>
    public IReadOnlyDictionary<string, double> Settings { get; }

    private double[][] Checked(double[][] rows, string what, int width, string parameter)
    {
        if (rows.Length != Names.Count || rows.Any(r => r.Length != width))
            throw new ArgumentException($"The {what} must be {Names.Count} rows of {width} values (states × terms).", parameter);
        for (int d = 0; d < rows.Length; d++)
            for (int f = 0; f < width; f++)
                if (!double.IsFinite(rows[d][f]))
                    throw new ArgumentException($"The {what} of ({Names[d]})' hold {rows[d][f].ToString(CultureInfo.InvariantCulture)} for the term '{FeatureNames[what == "denominator" ? f + 1 : f]}'.", parameter);
        return rows.Select(r => r.ToArray()).ToArray();
    }

    /// <summary>The equations, one per state, as PySINDy prints them: "(x0)' = -0.100 x0 + 2.000 x1".</summary>
    /// <param name="precision">Decimals.</param>
    public IReadOnlyList<string> Equations(int precision = 3) => Names.Select((name, d) =>
    {
        var rhs = EquationFormatter.Format(Coefficients[d], FeatureNames, precision);
        if (Denominator is not null) rhs = EquationFormatter.Rational(rhs, EquationFormatter.Format(Denominator[d], FeatureNames.Skip(1).ToList(), precision));
        if (Outer is not null) rhs = EquationFormatter.Outer(Outer.Name, rhs);
        return EquationFormatter.Equation(name, rhs);
    }).ToList();

    /// <summary>The equations as one LaTeX aligned block.</summary>
    /// <param name="precision">Decimals.</param>
    public string ToLatex(int precision = 3) => EquationFormatter.LatexBlock(Names, Names.Select((_, d) =>
    {
        var rhs = EquationFormatter.Latex(Coefficients[d], FeatureNames, precision);
        if (Denominator is not null) rhs = $@"\frac{{{rhs}}}{{1 + {EquationFormatter.Latex(Denominator[d], FeatureNames.Skip(1).ToList(), precision)}}}";
        if (Outer is not null) rhs = $@"\operatorname{{{Outer.Name}}}\left({rhs}\right)";
        return rhs;
    }).ToList());

    /// <summary>The equations, one per line (PySINDy's print()).</summary>
    public override string ToString() => string.Join(Environment.NewLine, Equations());

    /// <summary>ẋ = f(x) at one state.</summary>
    /// <param name="state">One value per state variable.</param>
    /// <exception cref="ArgumentException">A state of another width.</exception>
    public double[] Predict(double[] state)
    {
        if (state.Length != Names.Count)
            throw new ArgumentException($"The state has {state.Length} values; the model has {Names.Count} states ({string.Join(", ", Names)}).", nameof(state));
        var theta = Library.Evaluate(state);
        var derivative = new double[Names.Count];
        for (int d = 0; d < derivative.Length; d++)
        {
            double value = Dot(Coefficients[d], theta, 0);
            if (Denominator is not null) value /= 1 + Dot(Denominator[d], theta, 1);
            derivative[d] = Outer is null ? value : Outer.Apply(value);
        }
        return derivative;
    }

    /// <summary>ẋ at every row of <paramref name="states"/>.</summary>
    public double[][] Predict(double[][] states) => states.Select(Predict).ToArray();

    private static double Dot(double[] c, double[] theta, int offset)
    {
        double sum = 0;
        for (int f = 0; f < c.Length; f++) sum += c[f] * theta[f + offset];
        return sum;
    }

    /// <summary>Integrates ẋ = f(x) (adaptive Dormand–Prince) from <paramref name="x0"/> to every time.</summary>
    /// <param name="x0">The state at times[0].</param>
    /// <param name="times">Output times, increasing.</param>
    /// <param name="relativeTolerance">Relative error per step.</param>
    /// <param name="absoluteTolerance">Absolute error per step.</param>
    /// <returns>One state per time.</returns>
    /// <exception cref="ArgumentException"><paramref name="x0"/> of another width.</exception>
    /// <exception cref="IntegrationDivergedException">The solution blows up (carries the time).</exception>
    public double[][] Simulate(double[] x0, IReadOnlyList<double> times, double relativeTolerance = 1e-10, double absoluteTolerance = 1e-10)
    {
        if (x0.Length != Names.Count) throw new ArgumentException($"x0 has {x0.Length} values; the model has {Names.Count} states ({string.Join(", ", Names)}).", nameof(x0));
        return new DormandPrince45(relativeTolerance, absoluteTolerance).Integrate((_, s) => Predict(s), x0, times);
    }

    /// <summary>
    /// R² of the predicted derivatives against the differentiated data, as PySINDy's <c>score</c> (scikit-learn's
    /// <c>r2_score</c>): one R² per state, then their uniform average. A state whose derivative is constant scores 1 when
    /// predicted exactly and 0 otherwise (scikit-learn's <c>force_finite</c>).
    /// </summary>
    /// <param name="x">Samples × states.</param>
    /// <param name="t">Sample times.</param>
    /// <param name="differentiator">How ẋ is estimated from the data (default: second-order finite differences).</param>
    public double Score(double[][] x, double[] t, IDifferentiator? differentiator = null)
    {
        var dx = (differentiator ?? new FiniteDifference()).Differentiate(x, t);
        var predicted = Predict(x);
        double sum = 0;
        for (int j = 0; j < dx[0].Length; j++)
        {
            double mean = dx.Average(r => r[j]), ssRes = 0, ssTot = 0;
            for (int i = 0; i < x.Length; i++)
            {
                ssRes += Math.Pow(dx[i][j] - predicted[i][j], 2);
                ssTot += Math.Pow(dx[i][j] - mean, 2);
            }
            sum += ssTot > 0 ? 1 - ssRes / ssTot : ssRes == 0 ? 1 : 0;
        }
        return sum / dx[0].Length;
    }
}

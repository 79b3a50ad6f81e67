using System.Globalization;
using System.Text.Json;
using MechNN.Discovery.Libraries;
using MechNN.Integrators;

namespace MechNN.Discovery;

/// <summary>
/// A candidate library as stored in a model file: "polynomial" (Degree, IncludeBias, InteractionOnly), "fourier"
/// (Degree = number of frequencies) or "concat" (Parts). Custom libraries hold code and are not stored.
/// </summary>
public sealed record LibrarySpec(string Kind, int Inputs, int Degree, bool IncludeBias = true, bool InteractionOnly = false, IReadOnlyList<LibrarySpec>? Parts = null)
{
    public ICandidateLibrary Build() => Kind switch
    {
        "polynomial" => new PolynomialLibrary(Inputs, Degree, IncludeBias, InteractionOnly),
        "fourier" => new FourierLibrary(Inputs, Degree),
        "concat" when Parts is { Count: > 0 } => new ConcatLibrary(Parts.Select(p => p.Build()).ToArray()),
        _ => throw new NotSupportedException($"library kind '{Kind}' is not known"),
    };

    /// <summary>Parses "poly:DEGREE[:nobias][:interaction]", "fourier:FREQUENCIES", or several joined by '+'.</summary>
    public static LibrarySpec Parse(string text, int inputs)
    {
        var pieces = text.Split('+', StringSplitOptions.TrimEntries);
        if (pieces.Length > 1) return new LibrarySpec("concat", inputs, 0, Parts: pieces.Select(p => Parse(p, inputs)).ToList());
        var parts = text.Split(':');
        if (parts.Length >= 2 && int.TryParse(parts[1], out var degree) && degree >= 1)
        {
            if (parts[0] == "poly") return new LibrarySpec("polynomial", inputs, degree, !parts.Contains("nobias"), parts.Contains("interaction"));
            if (parts[0] == "fourier") return new LibrarySpec("fourier", inputs, degree);
        }
        throw new ArgumentException($"--library '{text}': expected poly:DEGREE[:nobias][:interaction], fourier:FREQUENCIES, or several joined by '+', e.g. poly:2+fourier:1");
    }
}

/// <summary>A discovered model ẋ = Θ(x)ξ: library, names and coefficients; saved and loaded as JSON, printable, simulatable.</summary>
public sealed record DiscoveredModel(string Method, LibrarySpec Library, IReadOnlyList<string> Names, double[][] Coefficients)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public IReadOnlyList<string> Equations(int precision = 3) =>
        EquationFormatter.Format(Coefficients, Library.Build().FeatureNames(Names), Names, precision);

    public string ToLatex(int precision = 3)
    {
        var features = Library.Build().FeatureNames(Names);
        string Term(string f) => f == "1" ? "" : @"\," + string.Join(" ", f.Split(' ').Select(p => p.Contains('^') ? $@"\mathrm{{{p.Split('^')[0]}}}^{{{p.Split('^')[1]}}}" : $@"\mathrm{{{p}}}"));
        var lines = Coefficients.Select((row, i) =>
        {
            var terms = row.Select((c, f) => (c, f)).Where(p => p.c != 0)
                .Select(p => p.c.ToString("F" + precision, CultureInfo.InvariantCulture) + Term(features[p.f])).ToList();
            return $@"\dot{{\mathrm{{{Names[i]}}}}} &= {(terms.Count == 0 ? "0" : string.Join(" + ", terms).Replace("+ -", "- "))}";
        });
        return @"\begin{aligned}" + "\n" + string.Join(@" \\" + "\n", lines) + "\n" + @"\end{aligned}";
    }

    public double[] Derivative(double[] state)
    {
        var theta = Library.Build().Evaluate(state);
        return Coefficients.Select(row => row.Zip(theta, (a, b) => a * b).Sum()).ToArray();
    }

    /// <summary>Integrates the model; throws <see cref="IntegrationDivergedException"/> (with the time) if it blows up.</summary>
    public double[][] Simulate(double[] x0, IReadOnlyList<double> times)
    {
        if (x0.Length != Names.Count) throw new ArgumentException($"x0 has {x0.Length} values; the model has {Names.Count} states ({string.Join(", ", Names)}).");
        var library = Library.Build();
        return new DormandPrince45(1e-10, 1e-10).Integrate((_, s) =>
        {
            var theta = library.Evaluate(s);
            return Coefficients.Select(row => row.Zip(theta, (a, b) => a * b).Sum()).ToArray();
        }, x0, times);
    }

    /// <summary>Writes atomically (<see cref="IO.AtomicFile"/>).</summary>
    public void Save(string path) => IO.AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    public static DiscoveredModel Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: model file not found");
        DiscoveredModel? model;
        try { model = JsonSerializer.Deserialize<DiscoveredModel>(File.ReadAllText(path), Json); }
        catch (JsonException ex) { throw new FormatException($"{path}: not a model file ({ex.Message})"); }
        if (model is null || model.Coefficients is null || model.Names is null || model.Library is null)
            throw new FormatException($"{path}: not a model file (missing fields)");
        int features = model.Library.Build().FeatureNames(model.Names).Count;
        if (model.Coefficients.Length != model.Names.Count || model.Coefficients.Any(r => r.Length != features))
            throw new FormatException($"{path}: coefficients must be {model.Names.Count} rows of {features} values");
        return model;
    }
}

using MechNN.IO.ModelFiles;

namespace MechNN.Discovery;

// A discovered model as a ModelFile: labels "method", "library" (LibrarySpec text), "names", optional "outer";
// hyper-parameters = the fit's settings; tensors "xi" (states × terms) and, for the rational form, "eta".
public sealed partial class DiscoveredModel
{
    /// <summary>The model-file kind of a discovered model.</summary>
    public const string Kind = "discovered-dynamics";

    /// <summary>The model as a <see cref="ModelFile"/> (save it with <c>Save(path)</c>).</summary>
    /// <exception cref="NotSupportedException">The library or the outer function is user code, which a file cannot hold.</exception>
    public ModelFile Capture()
    {
        var spec = LibrarySpec.Describe(Library)
            ?? throw new NotSupportedException("A library with user functions cannot be saved; model files hold polynomial and Fourier libraries and their concatenations.");
        var labels = new Dictionary<string, IReadOnlyList<string>>
        {
            ["method"] = new[] { Method },
            ["library"] = new[] { spec.ToText() },
            ["names"] = Names,
        };
        if (Outer is not null)
        {
            if (!ReferenceEquals(OuterFunction.Named(Outer.Name), Outer))
                throw new NotSupportedException($"The outer function '{Outer.Name}' is user code and cannot be saved; model files hold the built-in ones (tanh).");
            labels["outer"] = new[] { Outer.Name };
        }
        var tensors = new List<StoredTensor> { Stored("xi", Coefficients) };
        if (Denominator is not null) tensors.Add(Stored("eta", Denominator));
        return new ModelFile(Kind, Settings, tensors) { Labels = labels };
    }

    private static StoredTensor Stored(string name, double[][] rows) =>
        new(name, new long[] { rows.Length, rows[0].Length }, rows.SelectMany(r => r).ToArray());

    /// <summary>Reads a discovered model saved with <c>Save(path)</c>.</summary>
    /// <param name="path">The model file.</param>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="ModelFileException">Truncated or foreign file, another model kind, an unknown library or outer
    /// function, coefficients of the wrong shape, or non-finite coefficients (each named with the file).</exception>
    public static DiscoveredModel Load(string path) => Load(ModelFile.Load(path));

    /// <summary>Rebuilds a discovered model from a model file already read.</summary>
    /// <exception cref="ModelFileException">As <see cref="Load(string)"/>.</exception>
    public static DiscoveredModel Load(ModelFile file)
    {
        file.Expect(Kind);
        var names = file.LabelList("names");
        var libraryText = file.Label("library");
        Libraries.ICandidateLibrary library;
        try { library = LibrarySpec.Parse(libraryText, names.Count).Build(); }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
        {
            throw new ModelFileException($"{file.Source}: library '{libraryText}' is not one this build knows", ex);
        }
        int features = library.FeatureNames(names).Count;
        OuterFunction? outer = null;
        if (file.Labels.ContainsKey("outer"))
        {
            var name = file.Label("outer");
            outer = OuterFunction.Named(name) ?? throw new ModelFileException($"{file.Source}: outer function '{name}' is not one this build knows (tanh)");
        }
        var extra = file.Parameters.Select(p => p.Name).Except(new[] { "xi", "eta" }).FirstOrDefault();
        if (extra is not null) throw new ModelFileException($"{file.Source}: parameter '{extra}' is not part of a '{Kind}' model");
        var xi = Rows(file, "xi", names.Count, features, $"the coefficients must be {names.Count} rows of {features} values (states × terms of {libraryText})")
            ?? throw new ModelFileException($"{file.Source}: '{Kind}' model file lacks the parameter 'xi'");
        var eta = Rows(file, "eta", names.Count, features - 1, $"the denominator must be {names.Count} rows of {features - 1} values (states × terms of {libraryText} without \"1\")");
        var settings = file.HyperParameters.ToDictionary(h => h.Key, h => h.Value);
        try { return new DiscoveredModel(file.Label("method"), library, names, xi, eta, outer, settings); }
        catch (ArgumentException ex) { throw new ModelFileException($"{file.Source}: {ex.Message}", ex); }
    }

    private static double[][]? Rows(ModelFile file, string name, int rows, int columns, string expected)
    {
        var stored = file.Parameters.FirstOrDefault(p => p.Name == name);
        if (stored is null) return null;
        if (!stored.Shape.SequenceEqual(new long[] { rows, columns }))
            throw new ModelFileException($"{file.Source}: parameter '{name}' has shape [{string.Join(", ", stored.Shape)}]; {expected}");
        return Enumerable.Range(0, rows).Select(r => stored.Values.AsSpan(r * columns, columns).ToArray()).ToArray();
    }
}

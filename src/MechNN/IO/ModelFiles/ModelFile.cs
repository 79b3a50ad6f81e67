using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MechNN.IO.ModelFiles;

/// <summary>
/// A saved model: a header naming the model kind, the hyper-parameters needed to rebuild it and (for models that need
/// them) text labels such as state names, then every parameter tensor. JSON, because a readable header makes a wrong
/// file easy to diagnose; small tensors are number arrays written shortest-round-trip, large ones base64 of their exact
/// bytes (see <see cref="StoredTensor"/>), so a reloaded model predicts bit for bit what the saved one did.
/// </summary>
public sealed record ModelFile(string Kind, IReadOnlyDictionary<string, double> HyperParameters, IReadOnlyList<StoredTensor> Parameters)
{
    /// <summary>Marks the file as ours, so an unrelated JSON file is named as such rather than failing on a missing field.</summary>
    public const string Format = "mechnn-model";
    /// <summary>The format version this build writes and reads.</summary>
    public const int Version = 1;

    // Named literals ("NaN", "Infinity") are read so that a file holding them is reported by tensor, not as corrupt JSON.
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private sealed record Envelope(string? Format, int Version, string? Kind, Dictionary<string, double>? HyperParameters, List<StoredTensor>? Parameters,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Dictionary<string, List<string>>? Labels = null);

    /// <summary>Text header values (e.g. "names" → the state names); empty for models whose header is all numbers.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Labels { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Writes atomically (<see cref="AtomicFile"/>): a crash never leaves a half-written model.</summary>
    /// <param name="path">The file to write (its folder is created).</param>
    /// <exception cref="ArgumentException">A parameter holds NaN or ±∞ (such a model is not saved).</exception>
    public void Save(string path)
    {
        foreach (var p in Parameters)
            if (FirstNonFinite(p.Values) is int k)
                throw new ArgumentException($"{path}: parameter '{p.Name}' holds {p.Values[k].ToString(CultureInfo.InvariantCulture)} at index {k}; a model with non-finite parameters is not saved");
        var labels = Labels.Count == 0 ? null : Labels.ToDictionary(l => l.Key, l => l.Value.ToList());
        var envelope = new Envelope(Format, Version, Kind, new Dictionary<string, double>(HyperParameters), Parameters.ToList(), labels);
        AtomicFile.Write(path, stream => JsonSerializer.Serialize(stream, envelope, Json));
    }

    /// <summary>Reads a model file of any kind; the caller then checks its kind with <see cref="Expect"/>.</summary>
    /// <param name="path">The file to read.</param>
    /// <returns>The file's header and tensors, with <see cref="Source"/> set to <paramref name="path"/>.</returns>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="ModelFileException">Truncated, corrupt or foreign JSON, another version, missing fields, a tensor whose
    /// values do not fill its shape, or a non-finite parameter value.</exception>
    public static ModelFile Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: model file not found");
        Envelope? e;
        try
        {
            e = JsonSerializer.Deserialize<Envelope>(File.ReadAllText(path), Json);
        }
        catch (JsonException ex)
        {
            throw new ModelFileException($"{path}: not a readable MechNN model file (truncated or corrupt: {ex.Message})", ex);
        }
        if (e is null || e.Format != Format) throw new ModelFileException($"{path}: not a MechNN model file (no \"format\": \"{Format}\" header)");
        if (e.Version != Version) throw new ModelFileException($"{path}: model file version {e.Version}, this build reads version {Version}");
        if (string.IsNullOrEmpty(e.Kind) || e.HyperParameters is null || e.Parameters is null)
            throw new ModelFileException($"{path}: model file lacks its kind, hyper-parameters or parameters");
        foreach (var p in e.Parameters)
        {
            if (p.Name is null || p.Shape is null || p.Values is null || p.Shape.Any(d => d < 0))
                throw new ModelFileException($"{path}: a parameter entry lacks its name, shape or values");
            long count = p.Shape.Aggregate(1L, (a, d) => a * d);
            if (count != p.Values.Length)
                throw new ModelFileException($"{path}: parameter '{p.Name}' has shape [{string.Join(", ", p.Shape)}] but {p.Values.Length} values");
            if (FirstNonFinite(p.Values) is int k)
                throw new ModelFileException($"{path}: parameter '{p.Name}' holds a non-finite value ({p.Values[k].ToString(CultureInfo.InvariantCulture)}) at index {k}");
        }
        if (e.Labels is not null && e.Labels.Any(l => l.Value is null || l.Value.Any(v => v is null)))
            throw new ModelFileException($"{path}: a label lacks its values");
        var labels = e.Labels?.ToDictionary(l => l.Key, l => (IReadOnlyList<string>)l.Value) ?? new Dictionary<string, IReadOnlyList<string>>();
        return new ModelFile(e.Kind, e.HyperParameters, e.Parameters) { Source = path, Labels = labels };
    }

    private static int? FirstNonFinite(double[] values)
    {
        int k = Array.FindIndex(values, v => !double.IsFinite(v));
        return k < 0 ? null : k;
    }

    /// <summary>Where the file was read from, for error messages ("" for a file built in memory).</summary>
    [JsonIgnore] public string Source { get; init; } = "";

    /// <summary>Fails with a named error unless the file holds one of the given kinds.</summary>
    public ModelFile Expect(params string[] kinds)
    {
        if (!kinds.Contains(Kind))
            throw new ModelFileException($"{Source}: holds a '{Kind}' model, expected {string.Join(" or ", kinds.Select(k => $"'{k}'"))}");
        return this;
    }

    /// <summary>A finite numeric hyper-parameter.</summary>
    /// <param name="name">Its name.</param>
    /// <returns>Its value.</returns>
    /// <exception cref="ModelFileException">Missing or not finite.</exception>
    public double Hyper(string name) => HyperParameters.TryGetValue(name, out var v) && double.IsFinite(v)
        ? v : throw new ModelFileException($"{Source}: '{Kind}' model lacks the hyper-parameter '{name}'");

    /// <summary>An integer hyper-parameter that must be at least <paramref name="min"/> (a corrupt header must not build a huge model).</summary>
    public int HyperInt(string name, int min = 1)
    {
        double v = Hyper(name);
        if (v != Math.Floor(v) || v < min || v > 1_000_000)
            throw new ModelFileException($"{Source}: hyper-parameter '{name}' = {v} is not an integer ≥ {min}");
        return (int)v;
    }

    /// <summary>A label that holds exactly one non-empty string (e.g. a method name).</summary>
    public string Label(string name) => Labels.TryGetValue(name, out var v) && v.Count == 1 && v[0].Length > 0
        ? v[0] : throw new ModelFileException($"{Source}: '{Kind}' model lacks the label '{name}'");

    /// <summary>A label that holds a list of strings (e.g. state names); at least <paramref name="min"/> of them.</summary>
    public IReadOnlyList<string> LabelList(string name, int min = 1) => Labels.TryGetValue(name, out var v) && v.Count >= min
        ? v : throw new ModelFileException($"{Source}: '{Kind}' model lacks the label '{name}' (at least {min} values)");
}

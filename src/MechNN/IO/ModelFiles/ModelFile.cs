using System.Text.Json;
using System.Text.Json.Serialization;

namespace MechNN.IO.ModelFiles;

/// <summary>
/// A saved model: a header naming the model kind and the hyper-parameters needed to rebuild it, then every parameter
/// tensor. JSON, because the models are small and a readable header makes a wrong file easy to diagnose; doubles are
/// written shortest-round-trip, so a reloaded model predicts bit for bit what the saved one did.
/// </summary>
public sealed record ModelFile(string Kind, IReadOnlyDictionary<string, double> HyperParameters, IReadOnlyList<StoredTensor> Parameters)
{
    /// <summary>Marks the file as ours, so an unrelated JSON file is named as such rather than failing on a missing field.</summary>
    public const string Format = "mechnn-model";
    public const int Version = 1;

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private sealed record Envelope(string? Format, int Version, string? Kind, Dictionary<string, double>? HyperParameters, List<StoredTensor>? Parameters);

    /// <summary>Writes atomically (<see cref="AtomicFile"/>): a crash never leaves a half-written model.</summary>
    public void Save(string path)
    {
        var envelope = new Envelope(Format, Version, Kind, new Dictionary<string, double>(HyperParameters), Parameters.ToList());
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(envelope, Json));
    }

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
        }
        return new ModelFile(e.Kind, e.HyperParameters, e.Parameters) { Source = path };
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
}

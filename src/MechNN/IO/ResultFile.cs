using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace MechNN.IO;

/// <summary>
/// The one writer of result files (benchmarks, experiment reports): JSON with a <c>provenance</c> object first, then the
/// result's own properties; written atomically (see <see cref="AtomicFile"/>). NaN and ±∞ are written as the JSON
/// strings "NaN"/"Infinity" (not measured / diverged) rather than failing.
/// </summary>
public static class ResultFile
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    // The record's own fields in camelCase; a result's property names are written as the result spells them.
    private static readonly JsonSerializerOptions ProvenanceJson = new(Json) { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private static readonly JsonSerializerOptions ReadJson = new(Json) { PropertyNameCaseInsensitive = true };

    /// <summary>Serialises <paramref name="result"/> behind its provenance and writes it to <paramref name="path"/>.</summary>
    /// <param name="path">The JSON file to create or replace.</param>
    /// <param name="provenance">Where the result came from.</param>
    /// <param name="result">An object whose public properties are the result (an anonymous type is fine); it must not
    /// have a property named <c>provenance</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="result"/> does not serialise to a JSON object or has its own <c>provenance</c>.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Write(string path, Provenance provenance, object result)
    {
        var document = new JsonObject { ["provenance"] = JsonSerializer.SerializeToNode(provenance, ProvenanceJson) };
        if (JsonSerializer.SerializeToNode(result, result.GetType(), Json) is not JsonObject body)
            throw new ArgumentException($"a result must serialise to a JSON object (got {result.GetType().Name})", nameof(result));
        foreach (var (name, value) in body.ToList())
        {
            if (name == "provenance") throw new ArgumentException("a result must not carry its own 'provenance' property", nameof(result));
            body.Remove(name);
            document[name] = value;
        }
        AtomicFile.WriteAllText(path, document.ToJsonString(Json) + "\n");
    }

    /// <summary>Reads a result's own properties back from a file written by <see cref="Write"/> (names matched without
    /// regard to case; the provenance and properties <typeparamref name="T"/> lacks are skipped).</summary>
    /// <typeparam name="T">The shape to read: a record with the properties wanted.</typeparam>
    /// <param name="path">A result file.</param>
    /// <returns>The result.</returns>
    /// <exception cref="FormatException">The file is not JSON or its properties do not fit <typeparamref name="T"/>.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static T Read<T>(string path) where T : class
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: result file not found", path);
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path), ReadJson) ?? throw new FormatException($"{path}: empty result file");
        }
        catch (JsonException ex) { throw new FormatException($"{path}: not a result file of this kind ({ex.Message})", ex); }
    }

    /// <summary>Reads the provenance record back from a file written by <see cref="Write"/>.</summary>
    /// <param name="path">A result file.</param>
    /// <returns>The record.</returns>
    /// <exception cref="FormatException">The file is not JSON or has no provenance record.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static Provenance ReadProvenance(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: result file not found", path);
        try
        {
            return JsonNode.Parse(File.ReadAllText(path))?["provenance"]?.Deserialize<Provenance>(ProvenanceJson)
                ?? throw new FormatException($"{path}: no provenance record");
        }
        catch (JsonException ex) { throw new FormatException($"{path}: not a result file ({ex.Message})", ex); }
    }
}

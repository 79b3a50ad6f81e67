using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MechNN.IO.ModelFiles;

/// <summary>One named parameter as stored: its shape and its values in row-major order (as float64, exact for float32 too).</summary>
/// <param name="Name">The parameter's name in its model.</param>
/// <param name="Shape">Its shape.</param>
/// <param name="Values">Its values, row-major.</param>
[JsonConverter(typeof(StoredTensorJson))]
public sealed record StoredTensor(string Name, long[] Shape, double[] Values);

/// <summary>
/// Small tensors as readable number arrays; large ones (networks, optimiser moments) as base64 of their little-endian
/// bytes — float32 when every value is exactly a float32 (a float32 model), else float64 — so a checkpoint of a
/// million-parameter model stays tens of megabytes and is written in a fraction of a second. All three read back exactly.
/// </summary>
internal sealed class StoredTensorJson : JsonConverter<StoredTensor>
{
    private const int ReadableUpTo = 64;

    public override void Write(Utf8JsonWriter writer, StoredTensor value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("name", value.Name);
        writer.WritePropertyName("shape");
        JsonSerializer.Serialize(writer, value.Shape, options);
        if (value.Values.Length <= ReadableUpTo)
        {
            writer.WritePropertyName("values");
            JsonSerializer.Serialize(writer, value.Values, options);
        }
        else if (Array.TrueForAll(value.Values, v => (double)(float)v == v))
        {
            var singles = Array.ConvertAll(value.Values, v => (float)v);
            writer.WriteBase64String("float32", MemoryMarshal.AsBytes(singles.AsSpan()));
        }
        else
            writer.WriteBase64String("float64", MemoryMarshal.AsBytes(value.Values.AsSpan()));
        writer.WriteEndObject();
    }

    public override StoredTensor Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("a parameter entry is not an object");
        string? name = null;
        long[]? shape = null;
        double[]? values = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var property = reader.GetString();
            reader.Read();
            switch (property)
            {
                case "name": name = reader.TokenType == JsonTokenType.Null ? null : reader.GetString(); break;
                case "shape": shape = JsonSerializer.Deserialize<long[]>(ref reader, options); break;
                case "values": values = JsonSerializer.Deserialize<double[]>(ref reader, options); break;
                case "float64": values = ToDoubles(reader.GetBytesFromBase64(), 8, b => MemoryMarshal.Cast<byte, double>(b).ToArray()); break;
                case "float32": values = ToDoubles(reader.GetBytesFromBase64(), 4, b => Array.ConvertAll(MemoryMarshal.Cast<byte, float>(b).ToArray(), v => (double)v)); break;
                default: reader.Skip(); break;
            }
        }
        // Missing fields are reported by ModelFile.Load with the file's name.
        return new StoredTensor(name!, shape!, values!);
    }

    private static double[] ToDoubles(byte[] bytes, int width, Func<byte[], double[]> convert) =>
        bytes.Length % width == 0 ? convert(bytes) : throw new JsonException($"a base64 tensor of {bytes.Length} bytes is not a whole number of {width}-byte values");
}

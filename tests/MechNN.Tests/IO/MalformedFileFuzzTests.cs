using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MechNN.Discovery;
using MechNN.IO.Csv;
using MechNN.IO.ModelFiles;

namespace MechNN.Tests.IO;

/// <summary>
/// Seeded random malformed files fed to every loader: each must fail with its own named error (the file in the message),
/// never another exception type. To cover a new format, add one <see cref="Loader"/> to <see cref="Loaders"/>.
/// </summary>
public sealed class MalformedFileFuzzTests : IDisposable
{
    private const int Cases = 200;
    private readonly string _dir = Directory.CreateTempSubdirectory("mechnn-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A format: a malformed file from a seeded generator, the loader, and the error type it must throw.</summary>
    public sealed record Loader(string Name, string Extension, Func<Random, byte[]> Malformed, Action<string> Load, Type NamedError)
    {
        public override string ToString() => Name;
    }

    public static readonly IReadOnlyList<Loader> Loaders =
    [
        new("trajectory CSV", ".csv", MalformedCsv, path => TrajectoryCsv.Read(path), typeof(TrajectoryCsvException)),
        new("model file", ".json", r => MalformedModel(r, envelopeOnly: true), path => ModelFile.Load(path), typeof(ModelFileException)),
        new("discovered model", ".json", r => MalformedModel(r, envelopeOnly: false), path => DiscoveredModel.Load(path), typeof(ModelFileException)),
    ];

    public static TheoryData<string> LoaderNames() => new(Loaders.Select(l => l.Name));

    [Theory]
    [MemberData(nameof(LoaderNames))]
    public void Every_malformed_file_is_a_named_error(string name)
    {
        var loader = Loaders.Single(l => l.Name == name);
        for (int seed = 0; seed < Cases; seed++)
        {
            var path = Path.Combine(_dir, $"case{seed}{loader.Extension}");
            var bytes = loader.Malformed(new Random(seed));
            File.WriteAllBytes(path, bytes);
            Exception? caught = null;
            try { loader.Load(path); }
            catch (Exception ex) { caught = ex; }
            var shown = Encoding.UTF8.GetString(bytes);
            Assert.True(caught is not null, $"{name} seed {seed}: a malformed file loaded:\n{shown}");
            Assert.True(caught.GetType() == loader.NamedError, $"{name} seed {seed}: {caught.GetType().Name} escaped ({caught.Message}):\n{shown}");
            Assert.Contains(path, caught.Message);
        }
    }

    // ------------------------------------------------------------------ trajectory CSV

    private static byte[] MalformedCsv(Random r)
    {
        int states = r.Next(1, 4), rows = r.Next(4, 20);
        var header = new[] { "t" }.Concat(Enumerable.Range(0, states).Select(i => $"x{i}")).ToList();
        var lines = new List<List<string>> { header };
        for (int i = 0; i < rows; i++)
            lines.Add(new[] { (i * 0.1).ToString("R", CultureInfo.InvariantCulture) }
                .Concat(Enumerable.Range(0, states).Select(_ => (r.NextDouble() * 20 - 10).ToString("R", CultureInfo.InvariantCulture))).ToList());
        string Join(IEnumerable<List<string>> ls, string sep = ",") => string.Join("\n", ls.Select(l => string.Join(sep, l))) + "\n";
        int dataRow = r.Next(1, lines.Count), column = r.Next(0, header.Count);
        string text;
        switch (r.Next(9))
        {
            case 0:
                lines[dataRow][column] = Pick(r, "abc", "1..2", "0x1F", "--1", "1e400", "-1e999", "NaN", "Infinity", "∞", "1,5", "\"\"", "1 2", "");
                text = Join(lines);
                if (lines[dataRow][column] == "1,5") text = Join(lines).Replace("1,5", "\"1,5\"");
                break;
            case 1: header[column] = header[(column + 1) % header.Count]; text = Join(lines); break;      // duplicate column
            case 2: text = Join(lines, ";"); break;                                                       // another separator
            case 3: lines[dataRow][column] = "\"" + lines[dataRow][column]; text = Join(lines); break;    // unclosed quote
            case 4: lines[dataRow].Add("1"); text = Join(lines); break;                                   // a cell too many
            case 5: lines[dataRow].RemoveAt(lines[dataRow].Count - 1); text = Join(lines); break;         // a cell too few
            case 6: text = Join(lines.Take(r.Next(0, 3))); break;                                         // empty, header only, one row
            case 7: header[column] = Pick(r, "", " ", "\"\""); text = Join(lines); break;                  // empty column name
            default: return Garbage(r);
        }
        return Encoding.UTF8.GetBytes(text);
    }

    // ------------------------------------------------------------------ model files (JSON)

    // Cases 0–5 break the envelope every model file shares; 6–10 what only a discovered model checks (its labels, kind).
    private static byte[] MalformedModel(Random r, bool envelopeOnly)
    {
        var valid = ValidModelJson(r);
        string text;
        int which = r.Next(envelopeOnly ? 7 : 12);
        switch (which == 6 && envelopeOnly ? 11 : which)
        {
            case 0: text = valid[..r.Next(0, valid.LastIndexOf('}'))]; break;                              // truncated
            case 1: text = ReplaceOneNumberIn(r, valid, "\"values\"", Pick(r, "1e400", "-1e400", "\"x\"", "null", "true", "[]")); break;
            case 2: text = Regex.Replace(valid, "\"shape\":\\s*\\[[^\\]]*\\]", "\"shape\": [" + Pick(r, "4611686018427387904, 4", "-3, -1", "0", "2147483648", "1.5", "\"2\"") + "]"); break;
            case 3: text = Regex.Replace(valid, "\"version\":\\s*\\d+", "\"version\": " + Pick(r, "0", "99", "-1", "\"1\"", "null")); break;
            case 4: text = Regex.Replace(valid, "\"format\":\\s*\"[^\"]*\"", "\"format\": " + Pick(r, "\"other\"", "null", "1")); break;
            case 5: text = Regex.Replace(valid, "\"" + Pick(r, "kind", "parameters", "hyperParameters") + "\":", "\"renamed\":"); break;
            case 6: text = Regex.Replace(valid, "\"names\":\\s*\\[[^\\]]*\\]", "\"names\": " + Pick(r, "[]", "null", "[null]", "[\"a\", \"b\", \"c\", \"d\"]", "[1]")); break;
            case 7: text = Regex.Replace(valid, "\"library\":\\s*\\[[^\\]]*\\]", "\"library\": " + Pick(r, "[\"poly:2:bogus\"]", "[\"spline:2\"]", "[\"poly:0\"]", "[]", "[\"\"]", "[\"poly:2\", \"poly:3\"]")); break;
            case 8: text = Regex.Replace(valid, "\"name\":\\s*\"xi\"", "\"name\": " + Pick(r, "\"zeta\"", "null", "\"\"")); break;
            case 9: text = Regex.Replace(valid, "\"kind\":\\s*\"[^\"]*\"", "\"kind\": " + Pick(r, "\"classifier\"", "\"\"", "7")); break;
            case 10: text = Regex.Replace(valid, "\"labels\":\\s*\\{", "\"labels\": {\"outer\": [\"" + Pick(r, "sinh", "", "relu") + "\"],"); break;
            default: return Garbage(r);
        }
        Assert.NotEqual(valid, text);   // the mutation must have applied: the file is malformed, not the original
        return Encoding.UTF8.GetBytes(text);
    }

    private static string ValidModelJson(Random r)
    {
        int states = r.Next(1, 3);
        var names = Enumerable.Range(0, states).Select(i => $"x{i}").ToArray();
        int features = new MechNN.Discovery.Libraries.PolynomialLibrary(states, 2).FeatureNames(names).Count;
        var xi = names.Select(_ => Enumerable.Range(0, features).Select(_ => Math.Round(r.NextDouble() * 4 - 2, 3)).ToArray()).ToArray();
        var path = Path.Combine(Path.GetTempPath(), $"mechnn-fuzz-valid-{Environment.ProcessId}-{Guid.NewGuid():N}.json");
        try
        {
            new DiscoveredModel("sindy", new LibrarySpec("polynomial", states, 2), names, xi).Save(path);
            DiscoveredModel.Load(path);   // the base file is valid: every failure below is the mutation's
            return File.ReadAllText(path);
        }
        finally { File.Delete(path); }
    }

    /// <summary>One number inside the array that follows <paramref name="after"/> replaced by <paramref name="replacement"/>.</summary>
    private static string ReplaceOneNumberIn(Random r, string json, string after, string replacement)
    {
        int from = json.IndexOf('[', json.IndexOf(after, StringComparison.Ordinal)), to = json.IndexOf(']', from);
        var numbers = Regex.Matches(json[from..to], "-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?").ToList();
        var m = numbers[r.Next(numbers.Count)];
        return json[..(from + m.Index)] + replacement + json[(from + m.Index + m.Length)..];
    }

    // ------------------------------------------------------------------ shared

    /// <summary>Random bytes with a bias to the characters that matter to CSV and JSON parsers.</summary>
    private static byte[] Garbage(Random r)
    {
        var bytes = new byte[r.Next(1, 300)];
        const string structural = ",;\"\n\r{}[]:0123456789.-eE ";
        for (int i = 0; i < bytes.Length; i++)
            bytes[i] = r.Next(3) == 0 ? (byte)r.Next(256) : (byte)structural[r.Next(structural.Length)];
        return bytes;
    }

    private static string Pick(Random r, params string[] options) => options[r.Next(options.Length)];
}

using System.Globalization;
using System.Text;

namespace MechNN.IO.Npy;

/// <summary>
/// The header of a .npy file (NumPy's format spec, versions 1.0–3.0): a Python dict literal with exactly the keys
/// 'descr' (a dtype string), 'fortran_order' (True/False) and 'shape' (a tuple of ints), padded with spaces and ended
/// by a newline so the data starts on a 64-byte boundary. Parsed by hand: only literals, never evaluated.
/// </summary>
internal sealed record NpyHeader(string Descr, bool FortranOrder, long[] Shape)
{
    public static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
    private const int Alignment = 64;

    /// <summary>The header bytes of an array of <paramref name="type"/> (little-endian, C order) and <paramref name="shape"/>, magic included.</summary>
    public static byte[] Format(NpyType type, long[] shape)
    {
        var tuple = shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";
        var dict = $"{{'descr': '<{NpyTypes.Code(type)}', 'fortran_order': False, 'shape': {tuple}, }}";
        // Version 1.0 has a 2-byte length, 2.0 a 4-byte one: 1.0 whenever the header fits, as NumPy does.
        bool v1 = dict.Length + 1 + 10 <= ushort.MaxValue;
        int prefix = v1 ? 10 : 12;
        int padded = (prefix + dict.Length + 1 + Alignment - 1) / Alignment * Alignment - prefix;
        var bytes = new byte[prefix + padded];
        Magic.CopyTo(bytes, 0);
        bytes[6] = v1 ? (byte)1 : (byte)2;
        if (v1) BitConverter.TryWriteBytes(bytes.AsSpan(8, 2), (ushort)padded);
        else BitConverter.TryWriteBytes(bytes.AsSpan(8, 4), (uint)padded);
        var text = dict.PadRight(padded - 1) + "\n";
        Encoding.ASCII.GetBytes(text, bytes.AsSpan(prefix));
        return bytes;
    }

    /// <summary>Parses the dict literal; <paramref name="fail"/> builds the exception for a malformed one.</summary>
    public static NpyHeader Parse(string text, Func<NpyProblem, string, Exception> fail)
    {
        var parser = new Parser(text, message => fail(NpyProblem.BadHeader, $"bad header ({message}): {Abbreviate(text)}"));
        var entries = parser.Dict();
        string[] keys = ["descr", "fortran_order", "shape"];
        var unknown = entries.Keys.Except(keys).ToList();
        if (unknown.Count > 0) throw fail(NpyProblem.BadHeader, $"bad header: unexpected key '{unknown[0]}' (a .npy header has descr, fortran_order and shape)");
        foreach (var key in keys)
            if (!entries.ContainsKey(key)) throw fail(NpyProblem.BadHeader, $"bad header: no '{key}' key");
        var descr = entries["descr"] switch
        {
            string s => s,
            List<object> => throw fail(NpyProblem.UnsupportedDtype, "unsupported dtype: a structured array (record fields); save each field as its own array"),
            var other => throw fail(NpyProblem.BadHeader, $"bad header: 'descr' is {Describe(other)}, not a dtype string"),
        };
        if (entries["fortran_order"] is not bool fortran)
            throw fail(NpyProblem.BadHeader, $"bad header: 'fortran_order' is {Describe(entries["fortran_order"])}, not True or False");
        if (entries["shape"] is not List<object> { } dims || !IsTuple(entries["shape"]) || dims.Any(d => d is not long))
            throw fail(NpyProblem.BadHeader, $"bad header: 'shape' is {Describe(entries["shape"])}, not a tuple of integers");
        var shape = dims.Cast<long>().ToArray();
        if (shape.Any(d => d < 0)) throw fail(NpyProblem.BadHeader, $"bad header: shape ({string.Join(", ", shape)}) has a negative extent");
        return new NpyHeader(descr, fortran, shape);
    }

    private static bool IsTuple(object value) => value is Tuple;

    private static string Describe(object value) => value switch
    {
        string s => $"'{s}'", bool b => b ? "True" : "False", long l => l.ToString(CultureInfo.InvariantCulture),
        Tuple => "a tuple", List<object> => "a list", _ => "a dict",
    };

    private static string Abbreviate(string text)
    {
        var line = text.Trim().ReplaceLineEndings(" ");
        return line.Length <= 80 ? line : line[..77] + "...";
    }

    /// <summary>A parsed tuple: a list that remembers its brackets (only tuples are valid shapes).</summary>
    private sealed class Tuple : List<object>;

    /// <summary>Recursive descent over the Python literals a header may hold: str, int, True/False, tuple, list, dict.</summary>
    private sealed class Parser(string text, Func<string, Exception> fail)
    {
        private int _at;

        public Dictionary<string, object> Dict()
        {
            var dict = ParseDict();
            Skip();
            if (_at != text.Length) throw fail($"text after the closing brace at character {_at + 1}");
            return dict;
        }

        private Dictionary<string, object> ParseDict()
        {
            Expect('{');
            var dict = new Dictionary<string, object>(StringComparer.Ordinal);
            while (true)
            {
                Skip();
                if (Peek() == '}') { _at++; return dict; }
                if (Value() is not string key) throw fail("a dict key that is not a string");
                Skip();
                Expect(':');
                if (!dict.TryAdd(key, Value())) throw fail($"key '{key}' appears twice");
                Skip();
                if (Peek() == ',') { _at++; continue; }
                Skip();
                Expect('}');
                return dict;
            }
        }

        private object Value()
        {
            Skip();
            char c = Peek();
            if (c is '\'' or '"') return String(c);
            if (c == '(') return Sequence(new Tuple(), ')');
            if (c == '[') return Sequence(new List<object>(), ']');
            if (c == '{') return ParseDict();
            if (c is '-' or '+' || char.IsAsciiDigit(c)) return Integer();
            if (Word("True")) return true;
            if (Word("False")) return false;
            throw fail(_at < text.Length ? $"unexpected '{c}' at character {_at + 1}" : "it ends early");
        }

        private List<object> Sequence(List<object> items, char close)
        {
            _at++;
            while (true)
            {
                Skip();
                if (Peek() == close) { _at++; return items; }
                items.Add(Value());
                Skip();
                if (Peek() == ',') { _at++; continue; }
                Expect(close);
                return items;
            }
        }

        private string String(char quote)
        {
            int start = ++_at;
            while (_at < text.Length && text[_at] != quote)
                if (text[_at++] == '\\') throw fail("escapes in strings are not used by NumPy headers");
            if (_at >= text.Length) throw fail("an unclosed string");
            return text[start.._at++];
        }

        private long Integer()
        {
            int start = _at;
            if (Peek() is '-' or '+') _at++;
            while (_at < text.Length && char.IsAsciiDigit(text[_at])) _at++;
            if (!long.TryParse(text.AsSpan(start, _at - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
                throw fail($"'{text[start.._at]}' is not an integer NumPy can write");
            if (Peek() == 'L') _at++;   // Python 2 longs in headers of old files: (3L, 4L)
            return value;
        }

        private bool Word(string word)
        {
            if (string.CompareOrdinal(text, _at, word, 0, word.Length) != 0) return false;
            _at += word.Length;
            return true;
        }

        private void Expect(char c)
        {
            if (Peek() != c) throw fail(_at < text.Length ? $"expected '{c}' at character {_at + 1}, found '{text[_at]}'" : $"expected '{c}', but it ends");
            _at++;
        }

        private char Peek() => _at < text.Length ? text[_at] : '\0';

        private void Skip()
        {
            while (_at < text.Length && char.IsWhiteSpace(text[_at])) _at++;
        }
    }
}

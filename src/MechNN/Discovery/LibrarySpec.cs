using MechNN.Discovery.Libraries;

namespace MechNN.Discovery;

/// <summary>
/// A candidate library as stored in a model file: "polynomial" (Degree, IncludeBias, InteractionOnly), "fourier"
/// (Degree = number of frequencies) or "concat" (Parts). Custom libraries hold code and are not stored.
/// </summary>
/// <param name="Kind">"polynomial", "fourier" or "concat".</param>
/// <param name="Inputs">Number of state variables the library reads.</param>
/// <param name="Degree">Polynomial degree, or number of Fourier frequencies.</param>
/// <param name="IncludeBias">Polynomial: include the constant "1".</param>
/// <param name="InteractionOnly">Polynomial: products of distinct inputs only.</param>
/// <param name="Parts">Concat: the libraries side by side.</param>
public sealed record LibrarySpec(string Kind, int Inputs, int Degree, bool IncludeBias = true, bool InteractionOnly = false, IReadOnlyList<LibrarySpec>? Parts = null)
{
    /// <summary>The library this spec describes.</summary>
    /// <exception cref="NotSupportedException">An unknown kind, or a concat without parts.</exception>
    public ICandidateLibrary Build() => Kind switch
    {
        "polynomial" => new PolynomialLibrary(Inputs, Degree, IncludeBias, InteractionOnly),
        "fourier" => new FourierLibrary(Inputs, Degree),
        "concat" when Parts is { Count: > 0 } => new ConcatLibrary(Parts.Select(p => p.Build()).ToArray()),
        _ => throw new NotSupportedException($"library kind '{Kind}' is not known"),
    };

    /// <summary>Parses "poly:DEGREE[:nobias][:interaction]", "fourier:FREQUENCIES", or several joined by '+'.</summary>
    /// <param name="text">The library as the CLI's --library takes it.</param>
    /// <param name="inputs">Number of state variables.</param>
    /// <exception cref="ArgumentException">Text of another shape.</exception>
    public static LibrarySpec Parse(string text, int inputs)
    {
        var pieces = text.Split('+', StringSplitOptions.TrimEntries);
        if (pieces.Length > 1) return new LibrarySpec("concat", inputs, 0, Parts: pieces.Select(p => Parse(p, inputs)).ToList());
        var parts = text.Split(':');
        if (parts.Length >= 2 && int.TryParse(parts[1], out var degree) && degree >= 1)
        {
            var flags = parts[2..];
            if (parts[0] == "poly")
            {
                RequireKnownFlags(text, flags, "nobias", "interaction");
                return new LibrarySpec("polynomial", inputs, degree, !flags.Contains("nobias"), flags.Contains("interaction"));
            }
            if (parts[0] == "fourier")
            {
                RequireKnownFlags(text, flags);
                return new LibrarySpec("fourier", inputs, degree);
            }
        }
        throw new ArgumentException($"--library '{text}': expected poly:DEGREE[:nobias][:interaction], fourier:FREQUENCIES, or several joined by '+', e.g. poly:2+fourier:1");
    }

    // An ignored flag would silently give another library than the one asked for.
    private static void RequireKnownFlags(string text, string[] flags, params string[] known)
    {
        foreach (var flag in flags)
        {
            if (known.Contains(flag)) continue;
            var accepted = known.Length == 0 ? "it takes no flags" : "accepted: " + string.Join(", ", known);
            throw new ArgumentException($"--library '{text}': unknown flag '{flag}' ({accepted})");
        }
    }

    /// <summary>The text <see cref="Parse"/> reads back into an equal library ("poly:2:nobias+fourier:1").</summary>
    public string ToText() => Kind switch
    {
        "polynomial" => $"poly:{Degree}{(IncludeBias ? "" : ":nobias")}{(InteractionOnly ? ":interaction" : "")}",
        "fourier" => $"fourier:{Degree}",
        "concat" when Parts is { Count: > 0 } => string.Join("+", Parts.Select(p => p.ToText())),
        _ => throw new NotSupportedException($"library kind '{Kind}' is not known"),
    };

    /// <summary>The spec of a built-in library (polynomial, Fourier, or a concatenation of them); null for one holding user code.</summary>
    public static LibrarySpec? Describe(ICandidateLibrary library) => library switch
    {
        PolynomialLibrary p => new LibrarySpec("polynomial", p.Inputs, p.Degree, p.IncludeBias, p.InteractionOnly),
        FourierLibrary f => new LibrarySpec("fourier", f.Inputs, f.Frequencies),
        ConcatLibrary c => c.Parts.Select(Describe).ToList() is var parts && parts.All(p => p is not null)
            ? new LibrarySpec("concat", parts[0]!.Inputs, 0, Parts: parts!) : null,
        _ => null,
    };
}

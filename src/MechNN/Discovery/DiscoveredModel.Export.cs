using System.Text.Json;
using System.Text.Json.Nodes;

namespace MechNN.Discovery;

// Exports for other tools: SymPy expressions and a plain JSON description (the model file stays the format that loads).
public sealed partial class DiscoveredModel
{
    /// <summary>One SymPy-parsable expression per state, coefficients at full precision ("-10.0*x0 + 10.0*x1",
    /// "1.0*x0**2"); a rational form is "(p)/(1 + q)", a known outer function wraps the sum ("tanh(…)").</summary>
    public IReadOnlyList<string> SympyExpressions() => Names.Select((_, d) =>
    {
        var rhs = EquationFormatter.Sympy(Coefficients[d], FeatureNames);
        if (Denominator is not null) rhs = $"({rhs})/(1 + {EquationFormatter.Sympy(Denominator[d], FeatureNames.Skip(1).ToList())})";
        return Outer is null ? rhs : $"{Outer.Name}({rhs})";
    }).ToList();

    /// <summary>
    /// The model as one JSON object: <c>method</c>, <c>states</c>, <c>features</c>, <c>coefficients</c> (states ×
    /// features), <c>threshold</c> (null when the fit had none), <c>denominator</c> and <c>outer</c> when present,
    /// <c>sympy</c> (<see cref="SympyExpressions"/>) and every setting of the fit.
    /// </summary>
    public string ToJson()
    {
        var document = new JsonObject
        {
            ["method"] = Method,
            ["states"] = new JsonArray(Names.Select(n => (JsonNode?)n).ToArray()),
            ["features"] = new JsonArray(FeatureNames.Select(n => (JsonNode?)n).ToArray()),
            ["coefficients"] = Matrix(Coefficients),
            ["threshold"] = Settings.TryGetValue("threshold", out var threshold) ? threshold : null,
        };
        if (Denominator is not null) document["denominator"] = Matrix(Denominator);
        if (Outer is not null) document["outer"] = Outer.Name;
        document["sympy"] = new JsonArray(SympyExpressions().Select(e => (JsonNode?)e).ToArray());
        document["settings"] = new JsonObject(Settings.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)s.Value)));
        return document.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static JsonArray Matrix(double[][] rows) =>
        new(rows.Select(r => (JsonNode?)new JsonArray(r.Select(v => (JsonNode?)v).ToArray())).ToArray());
}

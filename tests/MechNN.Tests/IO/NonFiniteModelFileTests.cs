using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MechNN.Discovery;
using MechNN.Experiments.Circles;
using MechNN.IO.ModelFiles;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Tests.IO;

/// <summary>A hand-edited weight of 1e400 (read as ∞) is a load error naming the file and the tensor, never a model that evaluates.</summary>
public sealed partial class NonFiniteModelFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mechnn-nonfinite-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [GeneratedRegex(@"(""name"":""(?<name>[^""]+)"",""shape"":\[[^\]]*\],""values"":\[)(?<first>[^,\]]+)")]
    private static partial Regex FirstReadableValue();

    /// <summary>Replaces the first value of the first tensor stored as a readable array; returns that tensor's name.</summary>
    private static string EditFirstValue(string path, string replacement)
    {
        var text = File.ReadAllText(path);
        var match = FirstReadableValue().Match(text);
        Assert.True(match.Success, "the file has a tensor stored as a number array");
        File.WriteAllText(path, text[..match.Groups["first"].Index] + replacement + text[(match.Groups["first"].Index + match.Groups["first"].Length)..]);
        return match.Groups["name"].Value;
    }

    [Theory]
    [InlineData("1e400")]
    [InlineData("-1e400")]
    [InlineData("\"NaN\"")]
    [InlineData("\"Infinity\"")]
    public void ACirclesModelWithAnOverflowingWeightIsANamedLoadError(string replacement)
    {
        manual_seed(3);
        var model = new MnnCircleClassifier(dims: 2, steps: 4, hidden: 8);
        model.to(ScalarType.Float64);
        var path = Path.Combine(_dir, "circles.json");
        model.Save(path);
        Assert.NotNull(MnnCircleClassifier.Load(ModelFile.Load(path)));   // the unedited file loads
        var tensor = EditFirstValue(path, replacement);
        var ex = Assert.Throws<ModelFileException>(() => MnnCircleClassifier.Load(ModelFile.Load(path)));
        Assert.StartsWith(path, ex.Message);
        Assert.Contains($"parameter '{tensor}'", ex.Message);
        Assert.Contains("non-finite", ex.Message);
    }

    [Fact]
    public void ABase64WeightHoldingInfinityIsANamedLoadError()
    {
        manual_seed(3);
        var model = new MnnCircleClassifier(dims: 2, steps: 4, hidden: 64);
        model.to(ScalarType.Float64);
        var path = Path.Combine(_dir, "big.json");
        model.Save(path);
        var root = JsonNode.Parse(File.ReadAllText(path))!;
        var entry = root["parameters"]!.AsArray().First(p => p!["float32"] is not null || p!["float64"] is not null)!;
        var key = entry["float32"] is not null ? "float32" : "float64";
        var bytes = Convert.FromBase64String(entry[key]!.GetValue<string>());
        if (key == "float32") BitConverter.GetBytes(float.PositiveInfinity).CopyTo(bytes, 4);
        else BitConverter.GetBytes(double.PositiveInfinity).CopyTo(bytes, 8);
        entry[key] = Convert.ToBase64String(bytes);
        File.WriteAllText(path, root.ToJsonString());
        var ex = Assert.Throws<ModelFileException>(() => ModelFile.Load(path));
        Assert.Contains($"{path}: parameter '{entry["name"]!.GetValue<string>()}' holds a non-finite value (Infinity) at index 1", ex.Message);
    }

    [Fact]
    public void ADiscoveredModelWithAnOverflowingCoefficientBlamesTheFileNotTheIntegration()
    {
        var sho = new DiscoveredModel("sindy", new LibrarySpec("polynomial", 2, 1), new[] { "x", "y" },
            new[] { new double[] { 0, -0.1, 2 }, new double[] { 0, -2, -0.1 } });
        var path = Path.Combine(_dir, "sho.json");
        sho.Save(path);
        Assert.Equal(2, DiscoveredModel.Load(path).Simulate(new[] { 1.0, 0 }, new[] { 0.0, 1 }).Length);
        Assert.Equal("xi", EditFirstValue(path, "1e400"));
        var ex = Assert.Throws<ModelFileException>(() => DiscoveredModel.Load(path));
        Assert.Equal($"{path}: parameter 'xi' holds a non-finite value (Infinity) at index 0", ex.Message);
    }
}

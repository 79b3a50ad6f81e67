using MechNN.Experiments.Circles;
using MechNN.Experiments.F16;
using MechNN.IO.ModelFiles;
using MechNN.Experiments.TwoBody;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Tests.IO;

public sealed class ModelFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mechnn-models-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private static double[] Values(Tensor t) => t.detach().contiguous().data<double>().ToArray();

    private static MnnCircleClassifier SmallCircles()
    {
        manual_seed(3);
        var model = new MnnCircleClassifier(dims: 2, steps: 4, hidden: 8);
        model.to(ScalarType.Float64);
        return model;
    }

    [Fact]
    public void CircleClassifierRoundTripsExactly()
    {
        var model = SmallCircles();
        var x = randn(16, 2, dtype: ScalarType.Float64);
        model.Save(PathOf("c.json"));
        var loaded = MnnCircleClassifier.Load(ModelFile.Load(PathOf("c.json")));
        using var noGrad = no_grad();
        Assert.Equal(Values(model.forward(x)), Values(loaded.forward(x)));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));   // the temp file was renamed, not left behind
    }

    [Fact]
    public void VibrationModelsRoundTripExactlyAndLoadByKind()
    {
        var forcing = sin(arange(80, dtype: ScalarType.Float64) * 0.2);
        foreach (var model in new IVibrationModel[] { new MnnVibrationModel(1), new NetworkVibrationModel(1, halfWidth: 3, hidden: 4) })
        {
            using (no_grad())   // move off the initial values, so the test cannot pass by rebuilding the same init
                foreach (var p in model.Parameters()) p.add_(0.01 * randn_like(p));
            var path = PathOf(model.GetType().Name + ".json");
            ((ISavableModel)model).Save(path);
            var loaded = VibrationModels.Load(path);
            Assert.IsType(model.GetType(), loaded);
            using var noGrad = no_grad();
            Assert.Equal(Values(model.Predict(forcing, 0.3)), Values(loaded.Predict(forcing, 0.3)));
        }
    }

    [Fact]
    public void MassRatioModelRoundTripsExactly()
    {
        manual_seed(5);
        var model = new MassRatioModel(step: 0.05, hidden: 6);
        using (no_grad()) model.parameters().First().add_(0.3);
        var windows = randn(2, 6, 8, dtype: ScalarType.Float64);
        model.Save(PathOf("m.json"));
        var loaded = MassRatioModel.Load(ModelFile.Load(PathOf("m.json")));
        using var noGrad = no_grad();
        Assert.Equal(Values(model.forward(windows)), Values(loaded.forward(windows)));
        Assert.Equal(Values(model.C), Values(loaded.C));
    }

    [Fact]
    public void AFileOfAnotherKindIsNamed()
    {
        SmallCircles().Save(PathOf("c.json"));
        var ex = Assert.Throws<ModelFileException>(() => MassRatioModel.Load(ModelFile.Load(PathOf("c.json"))));
        Assert.Contains("holds a 'circles-mnn' model, expected 'two-body-mass-ratio'", ex.Message);
        Assert.Contains("expected 'f16-mnn-linear' or 'f16-mnn-network'", Assert.Throws<ModelFileException>(() => VibrationModels.Load(PathOf("c.json"))).Message);
    }

    [Fact]
    public void TruncatedAndForeignFilesAreNamed()
    {
        SmallCircles().Save(PathOf("c.json"));
        var text = File.ReadAllText(PathOf("c.json"));
        File.WriteAllText(PathOf("cut.json"), text[..(text.Length / 2)]);
        Assert.Contains("truncated or corrupt", Assert.Throws<ModelFileException>(() => ModelFile.Load(PathOf("cut.json"))).Message);
        File.WriteAllText(PathOf("other.json"), "{\"name\": \"not a model\"}");
        Assert.Contains("not a MechNN model file", Assert.Throws<ModelFileException>(() => ModelFile.Load(PathOf("other.json"))).Message);
        Assert.Contains("not found", Assert.Throws<FileNotFoundException>(() => ModelFile.Load(PathOf("missing.json"))).Message);
    }

    [Fact]
    public void WrongShapesAreNamedAndLeaveNothingHalfLoaded()
    {
        SmallCircles().Save(PathOf("c.json"));
        // A header that promises a wider network than the stored weights: the first mismatch is named.
        File.WriteAllText(PathOf("wide.json"), File.ReadAllText(PathOf("c.json")).Replace("\"hidden\":8", "\"hidden\":9"));
        var ex = Assert.Throws<ModelFileException>(() => MnnCircleClassifier.Load(ModelFile.Load(PathOf("wide.json"))));
        Assert.Contains("has shape [8, 2], the model expects [9, 2]", ex.Message);

        // Values that do not fill the declared shape are caught when reading.
        var file = ModelFile.Load(PathOf("c.json"));
        var broken = file with { Parameters = file.Parameters.Select((p, i) => i == 0 ? p with { Values = p.Values[1..] } : p).ToList() };
        broken.Save(PathOf("short.json"));
        Assert.Contains("but 15 values", Assert.Throws<ModelFileException>(() => ModelFile.Load(PathOf("short.json"))).Message);
    }

    [Fact]
    public void LargeTensorsRoundTripExactlyAsBase64()
    {
        var rng = new Random(3);
        var f64 = Enumerable.Range(0, 1000).Select(_ => rng.NextDouble() * 1e3 - 5e2).ToArray();
        var f32 = Enumerable.Range(0, 1000).Select(_ => (double)(float)(rng.NextDouble() - 0.5)).ToArray();
        var small = new[] { 0.1, -2.5, 1e-300 };
        var file = new ModelFile("test", new Dictionary<string, double>(), new[]
        {
            new StoredTensor("f64", new long[] { 10, 100 }, f64), new StoredTensor("f32", new long[] { 1000 }, f32), new StoredTensor("small", new long[] { 3 }, small),
        });
        file.Save(PathOf("big.json"));
        var text = File.ReadAllText(PathOf("big.json"));
        Assert.Contains("\"float64\":", text);
        Assert.Contains("\"float32\":", text);
        Assert.Contains("\"values\":[0.1,-2.5,1E-300]", text);
        var back = ModelFile.Load(PathOf("big.json")).Parameters.ToDictionary(p => p.Name);
        Assert.Equal(f64, back["f64"].Values);
        Assert.Equal(f32, back["f32"].Values);
        Assert.Equal(small, back["small"].Values);
        Assert.Equal(new long[] { 10, 100 }, back["f64"].Shape);
        // 2,000 values in well under the ~40 kB that decimal text would take.
        Assert.InRange(text.Length, 10_000, 20_000);
        Assert.False(File.Exists(PathOf("big.json") + ".tmp"));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));   // the shared atomic writer names its temp files differently
    }

    [Fact]
    public void ABase64TensorOfTheWrongLengthIsNamed()
    {
        new ModelFile("test", new Dictionary<string, double>(), new[] { new StoredTensor("w", new long[] { 100 }, Enumerable.Range(0, 100).Select(i => i + 0.1).ToArray()) })
            .Save(PathOf("w.json"));
        var text = File.ReadAllText(PathOf("w.json"));
        int at = text.IndexOf("\"float64\":\"", StringComparison.Ordinal) + 11;
        File.WriteAllText(PathOf("cut.json"), text[..at] + "AAAA" + text[text.IndexOf('"', at)..]);
        Assert.Contains("not a whole number of 8-byte values", Assert.Throws<ModelFileException>(() => ModelFile.Load(PathOf("cut.json"))).Message);
        File.WriteAllText(PathOf("short.json"), text[..at] + "AAAAAAAAAAA=" + text[text.IndexOf('"', at)..]);
        Assert.Contains("but 1 values", Assert.Throws<ModelFileException>(() => ModelFile.Load(PathOf("short.json"))).Message);
    }
}

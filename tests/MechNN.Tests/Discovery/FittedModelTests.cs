using MechNN.Discovery;
using MechNN.Discovery.Libraries;
using MechNN.Discovery.Sindy;
using MechNN.Experiments.Circles;
using MechNN.Experiments.Systems;
using MechNN.Integrators;
using MechNN.IO.ModelFiles;
using Xunit.Abstractions;

namespace MechNN.Tests.Discovery;

/// <summary>One fit per discovery method on clean data, shared by the tests below (the fits are the slow part).</summary>
public sealed class FittedModels
{
    public sealed record Case(string Name, DynamicalSystem System, DiscoveredModel Model, double[][] X, double[] T, double[] UnseenX0, string[] Equations);

    public IReadOnlyList<Case> Cases { get; }

    public FittedModels()
    {
        var sho = new LinearDampedSho();
        var (x, t) = sho.Trajectory(new[] { 2.0, 0.0 }, 0.01, 600);
        var linear = new[] { "(x0)' = -0.100 x0 +  2.000 x1", "(x1)' = -2.000 x0 + -0.100 x1" };
        // The same data, the same call: only the constructor differs between SINDy and MNN discovery.
        var methods = new (string Name, IDiscoveryMethod Method)[]
        {
            ("sindy", new SindyModel(new PolynomialLibrary(2, 2), new Stlsq(0.05))),
            ("mnn", new MechanisticDiscovery(new PolynomialLibrary(2, 2), new MechanisticDiscoveryOptions
                { Window = 50, Stride = 10, Cycles = 2, EpochsPerCycle = 1, DenoiserWidth = 0, Threshold = 0.05 })),
        };
        var cases = methods.Select(m => new Case(m.Name, sho, m.Method.Fit(x, t), x, t, new[] { 0.5, -1.0 }, linear)).ToList();

        var tanh = new TanhOscillator();
        var (xt, tt) = tanh.Trajectory(new[] { 2.0, 0.0 }, 0.01, 600);
        cases.Add(new Case("mnn-tanh", tanh, new MechanisticDiscovery(new PolynomialLibrary(2, 2), new MechanisticDiscoveryOptions
        {
            Window = 50, Stride = 10, Cycles = 1, EpochsPerCycle = 2, DenoiserWidth = 0, Threshold = 0.05, Nonlinearity = OuterFunction.Tanh,
        }).Fit(xt, tt), xt, tt, new[] { 1.0, 1.0 }, new[] { "(x0)' = tanh(-0.100 x0 +  2.000 x1)", "(x1)' = tanh(-2.000 x0 + -0.100 x1)" }));

        var rational = new RationalDecay();
        var (xr, tr) = rational.Trajectory(new[] { -3.0 }, 0.01, 1500);
        cases.Add(new Case("mnn-rational", rational, new RationalDiscovery(new PolynomialLibrary(1, 2), new MechanisticDiscoveryOptions
        {
            Window = 50, Stride = 25, BatchSize = 64, Cycles = 1, EpochsPerCycle = 20, Threshold = 0.05,
        }).Fit(xr, tr), xr, tr, new[] { -4.0 }, new[] { "(x0)' = ( 1.000 1 + -1.000 x0) / (1 +  1.000 x0^2)" }));
        Cases = cases;
    }
}

public sealed class FittedModelTests(FittedModels fitted, ITestOutputHelper output) : IClassFixture<FittedModels>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mechnn-fitted-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> Methods => new() { "sindy", "mnn", "mnn-tanh", "mnn-rational" };

    private FittedModels.Case Get(string name) => fitted.Cases.Single(c => c.Name == name);

    [Theory]
    [MemberData(nameof(Methods))]
    public void EveryMethodReturnsTheFittedTypeAndItsVerbsMatchTheTruth(string name)
    {
        var c = Get(name);
        Assert.Equal(name, c.Model.Method is "mnn" && c.Model.Outer is not null ? "mnn-tanh" : c.Model.Method);
        Assert.Equal(c.Equations, c.Model.Equations());
        Assert.Equal(string.Join(Environment.NewLine, c.Equations), c.Model.ToString());

        // predict: ẋ = f(x) at states off the training trajectory.
        foreach (var state in new[] { c.UnseenX0, c.UnseenX0.Select(v => -0.5 * v).ToArray() })
        {
            var predicted = c.Model.Predict(state);
            var truth = c.System.Derivative(state);
            for (int d = 0; d < truth.Length; d++) Assert.Equal(truth[d], predicted[d], 0.005);
        }
        Assert.Equal(c.Model.Predict(c.X[7]), c.Model.Predict(c.X)[7]);

        // simulate from an unseen state against the true system.
        var times = Enumerable.Range(0, 101).Select(i => i * 0.05).ToArray();
        var truthRun = new DormandPrince45(1e-10, 1e-10).Integrate((_, s) => c.System.Derivative(s), c.UnseenX0, times);
        var run = c.Model.Simulate(c.UnseenX0, times);
        double rms = Math.Sqrt(run.Zip(truthRun, (a, b) => a.Zip(b, (p, q) => (p - q) * (p - q)).Sum()).Average());
        Assert.True(rms < 2e-3, $"{name}: RMS {rms}");

        // score: R² of ẋ against the differentiated training data.
        double r2 = c.Model.Score(c.X, c.T);
        output.WriteLine($"{name}: simulation RMS {rms:E2}, R² {r2:F8}");
        Assert.InRange(r2, 0.999999, 1.0);
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void SavedAndLoadedModelsPrintAndPredictExactlyTheSame(string name)
    {
        var model = Get(name).Model;
        var path = Path.Combine(_dir, name + ".json");
        model.Save(path);
        var loaded = DiscoveredModel.Load(path);
        Assert.Equal(model.Equations(5), loaded.Equations(5));
        Assert.Equal(model.ToLatex(), loaded.ToLatex());
        Assert.Equal(model.Names, loaded.Names);
        Assert.Equal(model.Method, loaded.Method);
        Assert.Equal(model.Settings, loaded.Settings);
        Assert.Equal(model.Outer?.Name, loaded.Outer?.Name);
        var x = Get(name).X;
        for (int i = 0; i < x.Length; i += 37)
        {
            var a = model.Predict(x[i]);
            var b = loaded.Predict(x[i]);
            for (int d = 0; d < a.Length; d++) Assert.Equal(a[d], b[d], 1e-12);
        }
        Assert.Equal(model.Simulate(x[0], new[] { 0.0, 0.5, 1.0 }), loaded.Simulate(x[0], new[] { 0.0, 0.5, 1.0 }));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }

    [Fact]
    public void TheFileIsAModelFileOfItsOwnKindWithTheLibraryAndNamesInItsHeader()
    {
        var model = Get("mnn-rational").Model;
        var file = model.Capture();
        Assert.Equal("discovered-dynamics", file.Kind);
        Assert.Equal("poly:2", file.Label("library"));
        Assert.Equal(new[] { "x0" }, file.LabelList("names"));
        Assert.Equal("mnn-rational", file.Label("method"));
        Assert.Equal(0.05, file.Hyper("threshold"));
        Assert.Equal(new[] { "xi", "eta" }, file.Parameters.Select(p => p.Name));
        Assert.Equal(new long[] { 1, 3 }, file.Parameters[0].Shape);
        Assert.Equal(new long[] { 1, 2 }, file.Parameters[1].Shape);
        Assert.Equal("tanh", Get("mnn-tanh").Model.Capture().Label("outer"));
    }

    [Fact]
    public void AModelFileOfAnotherKindIsNamed()
    {
        var path = Path.Combine(_dir, "circles.json");
        new MnnCircleClassifier(dims: 2, steps: 3, hidden: 4).Save(path);
        var ex = Assert.Throws<ModelFileException>(() => DiscoveredModel.Load(path));
        Assert.Equal($"{path}: holds a 'circles-mnn' model, expected 'discovered-dynamics'", ex.Message);

        Get("sindy").Model.Save(Path.Combine(_dir, "sindy.json"));
        Assert.Contains("holds a 'discovered-dynamics' model, expected 'circles-mnn'",
            Assert.Throws<ModelFileException>(() => MnnCircleClassifier.Load(ModelFile.Load(Path.Combine(_dir, "sindy.json")))).Message);
    }

    [Theory]
    [InlineData("\"NaN\"", "NaN")]
    [InlineData("\"-Infinity\"", "-Infinity")]
    public void NonFiniteCoefficientsInTheFileAreNamedWithTheFileAndTensor(string literal, string shown)
    {
        var path = Path.Combine(_dir, "bad.json");
        var model = new DiscoveredModel("sindy", new LibrarySpec("polynomial", 2, 1), new[] { "x", "y" }, new[] { new[] { 0.0, 0.25, 2 }, new[] { 0.0, -2, 0.75 } });
        model.Save(path);
        var text = File.ReadAllText(path);
        Assert.Contains("0.75", text);
        File.WriteAllText(path, text.Replace("0.75", literal));
        var ex = Assert.Throws<ModelFileException>(() => DiscoveredModel.Load(path));
        Assert.Equal($"{path}: parameter 'xi' holds a non-finite value ({shown}) at index 5", ex.Message);
    }

    [Fact]
    public void NonFiniteCoefficientsAreRefusedWhenBuiltOrSaved()
    {
        var ex = Assert.Throws<ArgumentException>(() => new DiscoveredModel("sindy", new LibrarySpec("polynomial", 1, 1), new[] { "x" }, new[] { new[] { double.NaN, 1 } }));
        Assert.StartsWith("The coefficients of (x)' hold NaN for the term '1'.", ex.Message);
        var file = new ModelFile("anything", new Dictionary<string, double>(), new[] { new StoredTensor("w", new long[] { 2 }, new[] { 1, double.PositiveInfinity }) });
        Assert.Contains("parameter 'w' holds Infinity at index 1", Assert.Throws<ArgumentException>(() => file.Save(Path.Combine(_dir, "inf.json"))).Message);
        Assert.False(File.Exists(Path.Combine(_dir, "inf.json")));
    }

    [Fact]
    public void FilesWithAWrongHeaderOrExtraTensorsAreNamed()
    {
        var path = Path.Combine(_dir, "m.json");
        var file = Get("mnn-rational").Model.Capture();
        (file with { Parameters = file.Parameters.Take(1).Append(new StoredTensor("eta", new long[] { 1, 3 }, new double[3])).ToList() }).Save(path);
        Assert.Contains("parameter 'eta' has shape [1, 3]; the denominator must be 1 rows of 2 values",
            Assert.Throws<ModelFileException>(() => DiscoveredModel.Load(path)).Message);
        (file with { Parameters = file.Parameters.Append(new StoredTensor("zeta", new long[] { 1 }, new double[1])).ToList() }).Save(path);
        Assert.Contains("parameter 'zeta' is not part of a 'discovered-dynamics' model", Assert.Throws<ModelFileException>(() => DiscoveredModel.Load(path)).Message);
        (file with { Labels = new Dictionary<string, IReadOnlyList<string>>(file.Labels) { ["library"] = new[] { "spline:3" } } }).Save(path);
        Assert.Contains("library 'spline:3' is not one this build knows", Assert.Throws<ModelFileException>(() => DiscoveredModel.Load(path)).Message);
        (file with { Labels = new Dictionary<string, IReadOnlyList<string>>(file.Labels) { ["outer"] = new[] { "erf" } } }).Save(path);
        Assert.Contains("outer function 'erf' is not one this build knows", Assert.Throws<ModelFileException>(() => DiscoveredModel.Load(path)).Message);
        (file with { Labels = new Dictionary<string, IReadOnlyList<string>>() }).Save(path);
        Assert.Contains("model lacks the label 'names'", Assert.Throws<ModelFileException>(() => DiscoveredModel.Load(path)).Message);
    }

    [Fact]
    public void TheOldDiscoveredModelJsonIsNamedAsNotAModelFile()
    {
        var path = Path.Combine(_dir, "old.json");
        File.WriteAllText(path, "{\"Method\":\"sindy\",\"Library\":{\"Kind\":\"polynomial\",\"Inputs\":1,\"Degree\":1},\"Names\":[\"x\"],\"Coefficients\":[[1,2]]}");
        Assert.Equal($"{path}: not a MechNN model file (no \"format\": \"mechnn-model\" header)",
            Assert.Throws<ModelFileException>(() => DiscoveredModel.Load(path)).Message);
    }

    [Fact]
    public void ModelsHoldingUserCodeWorkInMemoryButAreNotSaved()
    {
        var custom = new CustomLibrary(1, new[] { new CandidateFunction(Math.Exp, t => t.exp(), x => $"exp({x})") });
        var model = new DiscoveredModel("sindy", custom, new[] { "x" }, new[] { new[] { -1.0 } });
        Assert.Equal(new[] { "(x)' = -1.000 exp(x)" }, model.Equations());
        Assert.Equal(-Math.Exp(0.5), model.Predict(new[] { 0.5 })[0], 15);
        Assert.Throws<NotSupportedException>(() => model.Capture());
        var softsign = new OuterFunction("softsign", v => v / (1 + Math.Abs(v)), t => t / (1 + t.abs()), v => v / (1 - Math.Abs(v)));
        var outer = new DiscoveredModel("mnn", new PolynomialLibrary(1, 1), new[] { "x" }, new[] { new[] { 0.0, 3.0 } }, outer: softsign);
        Assert.Equal(0.75, outer.Predict(new[] { 1.0 })[0], 15);
        Assert.Throws<NotSupportedException>(() => outer.Capture());
    }

    [Fact]
    public void RationalAndOuterFormsPrintAsLatex()
    {
        var rational = new DiscoveredModel("mnn-rational", new PolynomialLibrary(1, 2), new[] { "u" }, new[] { new[] { 1.0, -1, 0 } }, new[] { new[] { 0.0, 1 } });
        Assert.Equal(new[] { "(u)' = ( 1.000 1 + -1.000 u) / (1 +  1.000 u^2)" }, rational.Equations());
        Assert.Equal(@"\dot{\mathrm{u}} &= \frac{1.000 - 1.000\,\mathrm{u}}{1 + 1.000\,\mathrm{u}^{2}}", rational.ToLatex().Split('\n')[1]);
        Assert.Equal((1 - 3.0) / (1 + 9.0), rational.Predict(new[] { 3.0 })[0], 15);
        var tanh = new DiscoveredModel("mnn", new PolynomialLibrary(1, 1), new[] { "u" }, new[] { new[] { 0.0, 2 } }, outer: OuterFunction.Tanh);
        Assert.Equal(@"\dot{\mathrm{u}} &= \operatorname{tanh}\left(2.000\,\mathrm{u}\right)", tanh.ToLatex().Split('\n')[1]);
        Assert.Equal(Math.Tanh(1.0), tanh.Predict(new[] { 0.5 })[0], 15);
    }

    [Fact]
    public void MnnDiscoveryNamesTheTrajectoryAndSampleWhereTheStepChanges()
    {
        var (x, t) = new LinearDampedSho().Trajectory(new[] { 2.0, 0.0 }, 0.01, 120);
        var bent = t.Select((s, i) => i >= 64 ? s + 0.003 : s).ToArray();
        var method = new MechanisticDiscovery(new PolynomialLibrary(2, 1), new MechanisticDiscoveryOptions { Window = 50, Cycles = 1, EpochsPerCycle = 1, DenoiserWidth = 0 });
        var ex = Assert.Throws<NonUniformStepsException>(() => method.Fit(new[] { (x, t), (x, bent) }));
        Assert.Equal((1, 64), (ex.Trajectory, ex.Sample));
        Assert.StartsWith("trajectory 1, sample 64: step 0.013 differs from 0.01", ex.Message);
        Assert.Throws<NonUniformStepsException>(() => new RationalDiscovery(new PolynomialLibrary(1, 1)).Fit(x.Select(r => r[..1]).ToArray(), bent));
    }

    [Fact]
    public void LibrarySpecsDescribeBuiltInLibrariesAndReadTheirTextBack()
    {
        var library = new ConcatLibrary(new PolynomialLibrary(2, 3, includeBias: false, interactionOnly: true), new FourierLibrary(2, 2));
        var spec = LibrarySpec.Describe(library)!;
        Assert.Equal("poly:3:nobias:interaction+fourier:2", spec.ToText());
        Assert.Equal(library.FeatureNames(new[] { "a", "b" }), LibrarySpec.Parse(spec.ToText(), 2).Build().FeatureNames(new[] { "a", "b" }));
        Assert.Null(LibrarySpec.Describe(new ConcatLibrary(new PolynomialLibrary(1, 1), new CustomLibrary(1, new[] { new CandidateFunction(Math.Exp, t => t.exp(), x => x) }))));
    }
}

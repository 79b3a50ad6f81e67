using MechNN.Discovery;
using MechNN.Integrators;
using MechNN.IO.ModelFiles;

namespace MechNN.Tests.Discovery;

public class DiscoveredModelTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mechnn-model").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static DiscoveredModel Sho() => new("sindy", new LibrarySpec("polynomial", 2, 2), new[] { "x", "y" },
        new[] { new double[] { 0, -0.1, 2, 0, 0, 0 }, new double[] { 0, -2, -0.1, 0, 0, 0 } });

    [Fact]
    public void SavesLoadsPrintsAndExportsLatex()
    {
        var path = Path.Combine(_dir, "m.json");
        Sho().Save(path);
        var model = DiscoveredModel.Load(path);
        Assert.Equal(new[] { "(x)' = -0.100 x +  2.000 y", "(y)' = -2.000 x + -0.100 y" }, model.Equations());
        Assert.Contains(@"\dot{\mathrm{y}} &= -2.000\,\mathrm{x} - 0.100\,\mathrm{y}", model.ToLatex());
    }

    [Fact]
    public void SimulatesTheLinearOscillatorToItsClosedForm()
    {
        var times = Enumerable.Range(0, 11).Select(i => i * 0.5).ToArray();
        var x = Sho().Simulate(new[] { 2.0, 0 }, times);
        for (int k = 0; k < times.Length; k++)
            Assert.Equal(2 * Math.Exp(-0.1 * times[k]) * Math.Cos(2 * times[k]), x[k][0], 7);
    }

    [Fact]
    public void ADivergingModelStopsWithTheTimeItDiverged()
    {
        var blowUp = new DiscoveredModel("sindy", new LibrarySpec("polynomial", 1, 2), new[] { "x" }, new[] { new double[] { 0, 0, 1 } });
        var ex = Assert.Throws<IntegrationDivergedException>(() => blowUp.Simulate(new[] { 1.0 }, new[] { 0.0, 0.5, 2.0 }));
        Assert.InRange(ex.Time, 0.99, 1.001);   // x' = x², x(0) = 1 blows up at t = 1
    }

    [Fact]
    public void MalformedModelFilesAreNamed()
    {
        var path = Path.Combine(_dir, "bad.json");
        File.WriteAllText(path, "{ \"Method\": \"mnn\" ");
        var ex = Assert.Throws<ModelFileException>(() => DiscoveredModel.Load(path));
        Assert.StartsWith(path, ex.Message);
        var file = Sho().Capture();   // a model file whose ξ does not fit its library and names
        (file with { Parameters = new[] { new StoredTensor("xi", new long[] { 1, 2 }, new double[] { 1, 2 }) } }).Save(path);
        Assert.Contains("coefficients must be 2 rows of 6 values", Assert.Throws<ModelFileException>(() => DiscoveredModel.Load(path)).Message);
    }
}

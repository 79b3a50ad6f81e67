using System.Text.Json;
using MechNN.IO;

namespace MechNN.Tests.IO;

public sealed class ResultFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mechnn-results-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Provenance_comes_first_then_the_result_as_spelled_with_NaN_and_infinity_kept()
    {
        var path = Path.Combine(_dir, "r.json");
        var provenance = Provenance.Capture("mechnn bench solver --config lorenz");
        ResultFile.Write(path, provenance, new { device = "cpu", Method = "fused-cpu", median_ms = double.NaN, rmse = double.PositiveInfinity });
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var names = doc.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(new[] { "provenance", "device", "Method", "median_ms", "rmse" }, names);
        Assert.Equal("NaN", doc.RootElement.GetProperty("median_ms").GetString());
        Assert.Equal("Infinity", doc.RootElement.GetProperty("rmse").GetString());
        Assert.Equal(provenance, ResultFile.ReadProvenance(path));
    }

    private sealed record Row(string Method, double Error);

    private sealed record Body(bool Complete, List<Row> Rows);

    [Fact]
    public void Read_gives_back_the_result_with_NaN_and_infinity_and_names_a_file_of_another_shape()
    {
        var path = Path.Combine(_dir, "r.json");
        ResultFile.Write(path, Provenance.Capture("mechnn bench discovery"),
            new { complete = false, rows = new[] { new Row("a", double.NaN), new Row("b", double.PositiveInfinity), new Row("c", 0.1 + 0.2) } });
        var body = ResultFile.Read<Body>(path);
        Assert.False(body.Complete);
        Assert.Equal(new[] { new Row("a", double.NaN), new Row("b", double.PositiveInfinity), new Row("c", 0.1 + 0.2) }, body.Rows);
        File.WriteAllText(path, "{\"rows\": 3}");
        var e = Assert.Throws<FormatException>(() => ResultFile.Read<Body>(path));
        Assert.StartsWith($"{path}: not a result file of this kind", e.Message);
    }

    [Fact]
    public void Provenance_records_the_command_the_machine_and_the_commit_from_the_environment()
    {
        var previous = Environment.GetEnvironmentVariable(Provenance.CommitVariable);
        Environment.SetEnvironmentVariable(Provenance.CommitVariable, "abc1234");
        try
        {
            var p = Provenance.Capture("mechnn demo");
            Assert.Equal("mechnn demo", p.Command);
            Assert.Equal("abc1234", p.Commit);
            Assert.Equal(Environment.ProcessorCount, p.Cores);
            Assert.Equal(Environment.MachineName, p.Machine);
            Assert.True(DateTime.TryParse(p.Date, out var date) && Math.Abs((DateTime.UtcNow - date.ToUniversalTime()).TotalMinutes) < 5);
        }
        finally { Environment.SetEnvironmentVariable(Provenance.CommitVariable, previous); }
    }

    [Fact]
    public void A_result_with_its_own_provenance_or_not_an_object_is_refused_and_nothing_is_written()
    {
        var path = Path.Combine(_dir, "r.json");
        var p = Provenance.Capture("mechnn demo");
        Assert.Throws<ArgumentException>(() => ResultFile.Write(path, p, new { provenance = "mine" }));
        Assert.Throws<ArgumentException>(() => ResultFile.Write(path, p, new[] { 1, 2 }));
        Assert.Throws<ArgumentException>(() => Provenance.Capture(" "));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Reading_the_provenance_of_a_file_without_one_names_the_file()
    {
        var path = Path.Combine(_dir, "plain.json");
        File.WriteAllText(path, "{\"command\": \"old\"}");
        Assert.Contains("plain.json: no provenance record", Assert.Throws<FormatException>(() => ResultFile.ReadProvenance(path)).Message);
    }
}

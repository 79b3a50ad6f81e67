using System.IO.Compression;
using MechNN.IO.Npy;

namespace MechNN.Tests.IO.Npy;

public class NpzFileTests : NpyFixtures
{
    [Theory]
    [InlineData("trajectory.npz")]
    [InlineData("trajectory_compressed.npz")]
    public void ReadsStoredAndDeflatedArchives(string name)
    {
        var arrays = NpzFile.Read(Fixture(name));
        Assert.Equal(new[] { "t", "x" }, arrays.Keys);
        Assert.Equal(new long[] { 6 }, arrays["t"].Shape);
        Assert.Equal(new long[] { 6, 2 }, arrays["x"].Shape);
        Assert.Equal(0.5, ((double[])arrays["t"].Data)[5], 15);
        Assert.Equal(new[] { 1.0, 0, 0.9, 0.5 }, ((double[])arrays["x"].Data)[..4]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RoundTrips(bool compressed)
    {
        var path = Path.Combine(Scratch, "a.npz");
        var a = new NpyArray(new[] { 1.0, 2, 3, 4, 5, 6 }, 2, 3);
        var b = new NpyArray(new[] { 7, 8 }, 2);
        NpzFile.Write(path, new Dictionary<string, NpyArray> { ["a"] = a, ["b"] = b }, compressed);
        var back = NpzFile.Read(path);
        Assert.Equal(a.Data, back["a"].Data);
        Assert.Equal(a.Shape, back["a"].Shape);
        Assert.Equal(b.Data, back["b"].Data);
        using var zip = ZipFile.OpenRead(path);
        Assert.Equal(new[] { "a.npy", "b.npy" }, zip.Entries.Select(e => e.FullName));
        Assert.Equal(compressed, zip.Entries[0].CompressedLength < zip.Entries[0].Length);
    }

    [Fact]
    public void AMissingArrayIsNamedWithThoseThere()
    {
        var ex = Assert.Throws<NpyFormatException>(() => NpzFile.Read(Fixture("trajectory.npz"), "states"));
        Assert.Equal(NpyProblem.MissingArray, ex.Problem);
        Assert.Contains("array 'states': no such array (the archive holds 't', 'x')", ex.Message);
    }

    [Fact]
    public void NotAZipIsABadMagic()
    {
        var ex = Assert.Throws<NpyFormatException>(() => NpzFile.Read(WriteBytes("a.npz", File.ReadAllBytes(Fixture("f8_c.npy")))));
        Assert.Equal(NpyProblem.BadMagic, ex.Problem);
    }

    [Fact]
    public void ACutArchiveIsABadArchive()
    {
        var bytes = File.ReadAllBytes(Fixture("trajectory.npz"));
        var ex = Assert.Throws<NpyFormatException>(() => NpzFile.Read(WriteBytes("a.npz", bytes[..(bytes.Length / 2)])));
        Assert.Equal(NpyProblem.BadArchive, ex.Problem);
    }

    [Fact]
    public void AMalformedEntryIsNamedByArray()
    {
        var path = Path.Combine(Scratch, "a.npz");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        using (var entry = zip.CreateEntry("x.npy").Open())
            entry.Write(File.ReadAllBytes(Fixture("object.npy")));
        var ex = Assert.Throws<NpyFormatException>(() => NpzFile.Read(path, "x"));
        Assert.Equal(NpyProblem.ObjectArray, ex.Problem);
        Assert.Contains("array 'x'", ex.Message);
    }
}

using MechNN.IO.Npy;

namespace MechNN.Tests.IO.Npy;

public class NpyFileTests : NpyFixtures
{
    [Fact]
    public void ReadsFloat64InCOrder()
    {
        var a = NpyFile.Read(Fixture("f8_c.npy"));
        Assert.Equal(NpyType.Float64, a.Type);
        Assert.Equal(new long[] { 3, 2 }, a.Shape);
        Assert.Equal(new[] { 1.5, -2.25, 3.0, 1e-300, -0.0, 6.125 }, (double[])a.Data);
        Assert.True(double.IsNegative(((double[])a.Data)[4]));
    }

    [Fact]
    public void ReadsFloat32()
    {
        var a = NpyFile.Read(Fixture("f4_c.npy"));
        Assert.Equal(NpyType.Float32, a.Type);
        Assert.Equal(new long[] { 2, 3 }, a.Shape);
        Assert.Equal(new[] { 0.5f, -1, 2, 3.25f, -4.5f, 100 }, (float[])a.Data);
    }

    [Fact]
    public void ReadsInt64Exactly()
    {
        var a = NpyFile.Read(Fixture("i8_1d.npy"));
        Assert.Equal(new long[] { 4 }, a.Shape);
        Assert.Equal(new[] { -9007199254740993L, 0, 1, 1L << 62 }, (long[])a.Data);
    }

    [Fact]
    public void FortranOrderComesBackInCOrder()
    {
        var a = NpyFile.Read(Fixture("i4_fortran.npy"));
        Assert.Equal(NpyType.Int32, a.Type);
        Assert.Equal(new long[] { 2, 3 }, a.Shape);
        Assert.Equal(new[] { 1, 2, 3, 4, 5, 6 }, (int[])a.Data);
    }

    [Fact]
    public void ReadsBigEndian() => Assert.Equal(new[] { 1.0, -2, 0.1, 1e10 }, (double[])NpyFile.Read(Fixture("f8_big_endian.npy")).Data);

    [Fact]
    public void ReadsVersion2() => Assert.Equal(new[] { 3.5, -7.25 }, (double[])NpyFile.Read(Fixture("f8_v2.npy")).Data);

    [Fact]
    public void ReadsAScalar()
    {
        var a = NpyFile.Read(Fixture("f8_scalar.npy"));
        Assert.Empty(a.Shape);
        Assert.Equal(new[] { 42.0 }, a.ToDoubles());
    }

    [Fact]
    public void WritesWhatNumPyWrites()
    {
        // f8_c.npy has the bytes np.save writes (checked by make_fixtures.py --check).
        var path = Path.Combine(Scratch, "f8.npy");
        NpyFile.Write(path, NpyFile.Read(Fixture("f8_c.npy")));
        Assert.Equal(File.ReadAllBytes(Fixture("f8_c.npy")), File.ReadAllBytes(path));
    }

    public static TheoryData<Array, long[]> Arrays => new()
    {
        { new[] { 1.0, double.Epsilon, -3e300, double.NaN }, new long[] { 2, 2 } },
        { new[] { 1f, -2.5f, float.MaxValue }, new long[] { 3 } },
        { new[] { long.MinValue, long.MaxValue }, new long[] { 1, 2, 1 } },
        { new[] { int.MinValue, 7, int.MaxValue, 0, 0, 0 }, new long[] { 3, 2 } },
        { Array.Empty<double>(), new long[] { 0, 4 } },
    };

    [Theory]
    [MemberData(nameof(Arrays))]
    public void RoundTrips(Array data, long[] shape)
    {
        var path = Path.Combine(Scratch, "sub", "a.npy");
        NpyFile.Write(path, new NpyArray(data, shape));
        var back = NpyFile.Read(path);
        Assert.Equal(shape, back.Shape);
        Assert.Equal(data, back.Data);
        // Version 1.0: the data starts on a 64-byte boundary, as NumPy aligns it.
        int headerLength = BitConverter.ToUInt16(File.ReadAllBytes(path), 8);
        Assert.Equal(0, (10 + headerLength) % 64);
    }

    public static TheoryData<string, NpyProblem, string> Malformed => new()
    {
        { "{'descr': '<f2', 'fortran_order': False, 'shape': (1,), }", NpyProblem.UnsupportedDtype, "unsupported dtype '<f2'" },
        { "{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", NpyProblem.UnsupportedDtype, "unsupported dtype '<c16'" },
        { "{'descr': '<U3', 'fortran_order': False, 'shape': (1,), }", NpyProblem.UnsupportedDtype, "unsupported dtype '<U3'" },
        { "{'descr': [('x', '<f8')], 'fortran_order': False, 'shape': (1,), }", NpyProblem.UnsupportedDtype, "structured array" },
        { "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", NpyProblem.ObjectArray, "object array" },
        { "{'descr': '<f8', 'shape': (1,), }", NpyProblem.BadHeader, "no 'fortran_order' key" },
        { "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'x': 1, }", NpyProblem.BadHeader, "unexpected key 'x'" },
        { "{'descr': '<f8', 'fortran_order': 0, 'shape': (1,), }", NpyProblem.BadHeader, "'fortran_order' is 0" },
        { "{'descr': '<f8', 'fortran_order': False, 'shape': [1], }", NpyProblem.BadHeader, "'shape' is a list" },
        { "{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }", NpyProblem.BadHeader, "negative extent" },
        { "{'descr': '<f8', 'fortran_order': False, 'shape': (1,) ", NpyProblem.BadHeader, "bad header" },
        { "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), } x", NpyProblem.BadHeader, "text after the closing brace" },
        { "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", NpyProblem.TooLarge, "more elements" },
        { "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", NpyProblem.Truncated, "needs 16 bytes of data, the file has 8" },
        { "{'descr': '<f8', 'fortran_order': False, 'shape': (), }", NpyProblem.Truncated, "needs 8 bytes" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void MalformedHeadersAreNamed(string dict, NpyProblem problem, string message)
    {
        var path = WriteBytes("bad.npy", Image(dict, dict.Contains("'shape': (),") ? [] : new byte[8]));
        var ex = Assert.Throws<NpyFormatException>(() => NpyFile.Read(path));
        Assert.Equal(problem, ex.Problem);
        Assert.StartsWith(path + ": ", ex.Message);
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void ObjectArraysAreRefusedUnread()
    {
        var ex = Assert.Throws<NpyFormatException>(() => NpyFile.Read(Fixture("object.npy")));
        Assert.Equal(NpyProblem.ObjectArray, ex.Problem);
        Assert.Contains("pickle", ex.Message);
    }

    [Fact]
    public void ABadMagicIsNamed()
    {
        var ex = Assert.Throws<NpyFormatException>(() => NpyFile.Read(WriteBytes("a.npy", "t,x\n0,1\n"u8.ToArray())));
        Assert.Equal(NpyProblem.BadMagic, ex.Problem);
    }

    [Fact]
    public void AnUnknownVersionIsNamed()
    {
        var bytes = File.ReadAllBytes(Fixture("f8_c.npy"));
        bytes[6] = 4;
        var ex = Assert.Throws<NpyFormatException>(() => NpyFile.Read(WriteBytes("a.npy", bytes)));
        Assert.Equal(NpyProblem.UnsupportedVersion, ex.Problem);
        Assert.Contains("version 4.0", ex.Message);
    }

    [Fact]
    public void TruncatedDataAndHeaderAreNamed()
    {
        var bytes = File.ReadAllBytes(Fixture("f8_c.npy"));
        var data = Assert.Throws<NpyFormatException>(() => NpyFile.Read(WriteBytes("a.npy", bytes[..^1])));
        Assert.Equal(NpyProblem.Truncated, data.Problem);
        Assert.Contains("shape (3, 2) of <f8 needs 48 bytes of data, the file has 47", data.Message);
        var header = Assert.Throws<NpyFormatException>(() => NpyFile.Read(WriteBytes("b.npy", bytes[..40])));
        Assert.Equal(NpyProblem.Truncated, header.Problem);
        Assert.Contains("inside the header", header.Message);
    }

    [Fact]
    public void TrailingBytesAreNamed()
    {
        var bytes = File.ReadAllBytes(Fixture("f8_c.npy"));
        var ex = Assert.Throws<NpyFormatException>(() => NpyFile.Read(WriteBytes("a.npy", [.. bytes, 0, 0, 0])));
        Assert.Equal(NpyProblem.TrailingBytes, ex.Problem);
        Assert.Contains("3 bytes after the data", ex.Message);
    }

    [Fact]
    public void OldPython2LongsInShapesAreRead()
    {
        var path = WriteBytes("a.npy", Image("{'descr': '<i4', 'fortran_order': False, 'shape': (2L,), }", BitConverter.GetBytes(7L)));
        Assert.Equal(new[] { 7, 0 }, (int[])NpyFile.Read(path).Data);
    }
}

using System.IO.Compression;
using System.Text;
using MechNN.IO.Npy;

namespace MechNN.Tests.IO.Npy;

/// <summary>
/// 200 malformed .npy/.npz files from a fixed seed, each malformed by construction (cut, padded, a broken magic,
/// version, length field, shape or header, garbage, a bad entry in a zip): every one must raise
/// <see cref="NpyFormatException"/> naming the file — never another exception, never a silent read.
/// </summary>
public class NpyFuzzTests : NpyFixtures
{
    private const int Files = 200;

    private static readonly string[] BadDicts =
    [
        "{'descr': '<f2', 'fortran_order': False, 'shape': (3, 2), }",
        "{'descr': '|O', 'fortran_order': False, 'shape': (3, 2), }",
        "{'descr': '<f8', 'fortran_order': False, }",
        "{'descr': '<f8', 'fortran_order': 'no', 'shape': (3, 2), }",
        "{'descr': '<f8', 'fortran_order': False, 'shape': '3, 2', }",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), 'extra': (), }",
        "{'descr': '<f8' 'fortran_order': False, 'shape': (3, 2), }",
        "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (3,), }",
        "['descr', '<f8']",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), 'descr': '<f8', }",
        "{'descr': '>U4', 'fortran_order': False, 'shape': (3, 2), }",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,), }",
        "{'descr': '<i4', 'fortran_order': True, 'shape': (4294967296, 4294967296), }",
    ];

    [Fact]
    public void EveryMalformedFileRaisesANamedError()
    {
        var random = new Random(16);
        var valid = new[] { "f8_c.npy", "f4_c.npy", "i8_1d.npy", "i4_fortran.npy", "f8_big_endian.npy", "f8_v2.npy" }
            .Select(n => File.ReadAllBytes(Fixture(n))).ToArray();
        var seen = new HashSet<NpyProblem>();
        for (int i = 0; i < Files; i++)
        {
            var original = valid[random.Next(valid.Length)];
            var (bytes, zipped) = Mutate(original, random);
            var path = WriteBytes($"fuzz{i}.{(zipped ? "npz" : "npy")}", bytes);
            var ex = Record.Exception(() => { if (zipped) NpzFile.Read(path); else NpyFile.Read(path); });
            var named = Assert.IsType<NpyFormatException>(ex);
            Assert.StartsWith(path, named.Message);
            Assert.DoesNotContain('\n', named.Message);
            seen.Add(named.Problem);
        }
        // The mutations reach every named problem but the .npz lookup of a missing array (not a malformed file).
        Assert.Equal(Enum.GetValues<NpyProblem>().Except([NpyProblem.MissingArray]).Order(), seen.Order());
    }

    private static (byte[] Bytes, bool Zipped) Mutate(byte[] npy, Random random)
    {
        int headerEnd = npy[6] == 1 ? 10 + BitConverter.ToUInt16(npy, 8) : 12 + (int)BitConverter.ToUInt32(npy, 8);
        var bytes = (byte[])npy.Clone();
        switch (random.Next(11))
        {
            case 0:   // cut anywhere
                return (bytes[..random.Next(bytes.Length)], false);
            case 1:   // bytes after the data
                return ([.. bytes, .. RandomBytes(random, 1 + random.Next(64))], false);
            case 2:   // a broken magic
                int at = random.Next(6);
                bytes[at] ^= (byte)(1 + random.Next(255));
                return (bytes, false);
            case 3:   // an unknown version
                if (random.Next(2) == 0) bytes[6] = (byte)(4 + random.Next(252)); else bytes[7] = (byte)(1 + random.Next(255));
                return (bytes, false);
            case 4:   // a header length that is off
                int lengthAt = 8, size = npy[6] == 1 ? 2 : 4;
                long length = size == 2 ? BitConverter.ToUInt16(bytes, 8) : BitConverter.ToUInt32(bytes, 8);
                long other = length + (random.Next(2) == 0 ? -1 : 1) * (1 + random.Next(size == 2 ? 60 : 2000));
                other = Math.Max(0, size == 2 ? Math.Min(other, ushort.MaxValue) : other);
                if (other == length) other = length + 1;
                if (size == 2) BitConverter.TryWriteBytes(bytes.AsSpan(lengthAt, 2), (ushort)other);
                else BitConverter.TryWriteBytes(bytes.AsSpan(lengthAt, 4), (uint)other);
                return (bytes, false);
            case 5:   // a shape that does not match the data
                var header = Encoding.Latin1.GetString(bytes, 0, headerEnd);
                int open = header.IndexOf("'shape': (", StringComparison.Ordinal) + 10;
                var grown = header[..open] + (7 + random.Next(90)) + ", " + header[open..];
                return (Image(grown[(npy[6] == 1 ? 10 : 12)..].TrimEnd(), bytes[headerEnd..], npy[6]), false);
            case 6:   // a malformed header dict
                return (Image(BadDicts[random.Next(BadDicts.Length)], bytes[headerEnd..], npy[6]), false);
            case 7:   // garbage, with or without the magic
                var garbage = RandomBytes(random, random.Next(200));
                return (random.Next(2) == 0 ? garbage : [.. NpyHeaderMagic, (byte)(1 + random.Next(3)), 0, .. garbage], false);
            case 8:   // a .npz holding a malformed entry
                var (inner, _) = Mutate(npy, random);
                return (Zip(inner, random.Next(2) == 0), true);
            case 9:   // a cut .npz
                var zip = Zip(npy, random.Next(2) == 0);
                return (zip[..random.Next(zip.Length - 1)], true);
            default:  // a .npz whose deflated entry is damaged
                var deflated = Zip(npy, compressed: true);
                int dataAt = 30 + "x.npy".Length;
                for (int k = 0; k < 4; k++) deflated[dataAt + random.Next(8)] ^= (byte)(1 + random.Next(255));
                return (deflated, true);
        }
    }

    private static readonly byte[] NpyHeaderMagic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Zip(byte[] npy, bool compressed)
    {
        using var memory = new MemoryStream();
        using (var zip = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        using (var entry = zip.CreateEntry("x.npy", compressed ? CompressionLevel.Optimal : CompressionLevel.NoCompression).Open())
            entry.Write(npy);
        return memory.ToArray();
    }
}

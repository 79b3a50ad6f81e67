namespace MechNN.Tests.IO.Npy;

/// <summary>The crafted NumPy/h5py fixtures (see Fixtures/numpy/README.md) and a scratch folder.</summary>
public abstract class NpyFixtures : IDisposable
{
    protected static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "numpy", name);

    protected string Scratch { get; } = Directory.CreateTempSubdirectory("mechnn-npy").FullName;

    protected string WriteBytes(string name, byte[] bytes)
    {
        var path = Path.Combine(Scratch, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>A .npy image with <paramref name="dict"/> as its header text (padded as NumPy pads) and <paramref name="data"/> after it.</summary>
    protected static byte[] Image(string dict, byte[] data, byte major = 1)
    {
        int prefix = major == 1 ? 10 : 12;
        int padded = (prefix + dict.Length + 1 + 63) / 64 * 64 - prefix;
        var text = System.Text.Encoding.Latin1.GetBytes(dict.PadRight(padded - 1) + "\n");
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', major, 0 };
        bytes.AddRange(major == 1 ? BitConverter.GetBytes((ushort)text.Length) : BitConverter.GetBytes((uint)text.Length));
        bytes.AddRange(text);
        bytes.AddRange(data);
        return bytes.ToArray();
    }

    public void Dispose()
    {
        Directory.Delete(Scratch, recursive: true);
        GC.SuppressFinalize(this);
    }
}

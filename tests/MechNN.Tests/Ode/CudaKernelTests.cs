using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using MechNN.Ode;
using MechNN.Ode.Rows;
using MechNN.Ode.Solvers.Banded;
using MechNN.Ode.Solvers.Cuda;
using static TorchSharp.torch;

namespace MechNN.Tests.Ode;

/// <summary>
/// What CI can check of the CUDA kernels without a GPU: the embedded PTX was built from the committed source, declares
/// every entry point the host code launches, and takes the parameter block the host passes. Their numbers are checked
/// on a GPU machine by `mechnn bench agreement --device cuda` (see docs/results/gpu-h100.md).
/// </summary>
[Collection("CudaKernels")]
public class CudaKernelTests
{
    private static string Ptx => Encoding.ASCII.GetString(CudaKernels.Ptx()).TrimEnd('\0');

    private static string KernelFile(string name, [CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "../../../src/MechNN/Ode/Solvers/Cuda/Kernels", name));

    /// <summary>The kernels' source files (the .cu and the .cuh headers it includes), sorted by name.</summary>
    internal static string[] KernelSources() =>
        new[] { "*.cu", "*.cuh" }.SelectMany(p => Directory.GetFiles(KernelFile(""), p)).Select(Path.GetFileName).OfType<string>()
            .Order(StringComparer.Ordinal).ToArray();

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    [Fact]
    public void CompiledKernelsWereBuiltFromTheCommittedSources()
    {
        var manifest = File.ReadAllLines(KernelFile("mnn_kernels.manifest")).Select(l => l.Split(' ')).ToDictionary(p => p[0], p => p[1]);
        var sources = KernelSources();
        Assert.Contains("mnn_kernels.cu", sources);
        foreach (var name in sources)
            Assert.True(manifest.TryGetValue(name, out var hash) && hash == Sha256(KernelFile(name)),
                $"{name} changed after the kernels were built: run scripts/cuda/build-kernels.py");
        var listed = manifest.Keys.Where(k => k.EndsWith(".cu") || k.EndsWith(".cuh")).Order(StringComparer.Ordinal);
        Assert.True(listed.SequenceEqual(sources), $"the kernels were built from {string.Join(", ", listed)}, the sources are {string.Join(", ", sources)}: run scripts/cuda/build-kernels.py");
        // "source" hashes all of them: SHA-256 of their "name sha256" lines (as build-kernels.py writes it).
        var all = Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(string.Concat(sources.Select(n => $"{n} {Sha256(KernelFile(n))}\n")))));
        Assert.Equal(all, manifest["source"]);
        foreach (var file in new[] { "mnn_kernels.ptx", "mnn_kernels.sm_80.cubin", "mnn_kernels.sm_90.cubin" })
            Assert.True(manifest[file] == Sha256(KernelFile(file)), $"{file} is not the one the build script wrote");
        Assert.Contains($"mechnn-source-sha256: {manifest["source"]}", Ptx);
    }

    [Fact]
    public void EveryLaunchedEntryPointExistsAndTakesTheHostLayout()
    {
        var size = Marshal.SizeOf<CudaLayout>();
        var perMember = CudaKernels.Specialised.Append((0, 0)).SelectMany(s => new[] { $"forward_d{s.Item1}_r{s.Item2}", $"backward_d{s.Item1}_r{s.Item2}" });
        var chunked = new[] { (2, 1), (3, 1), (4, 1), (3, 2), (4, 2) }   // (R+1, separator width): what HasChunked admits
            .SelectMany(c => new[] { $"chunked{c.Item2}_forward_d1_r{c.Item1}", $"chunked{c.Item2}_backward_d1_r{c.Item1}" });
        foreach (var entry in perMember.Concat(chunked))
            {
                var name = $"mnn_{entry}";
                var param = Regex.Match(Ptx, $@"\.entry {name}\(\s*\.param \.align 8 \.b8 {name}_param_0\[(\d+)\]");
                Assert.True(param.Success, $"{name} is not in the PTX");
                Assert.Equal(size, int.Parse(param.Groups[1].Value));
            }
        foreach (var (name, bytes) in new[] { ("mnn_gather", Marshal.SizeOf<GatherArgs>()), ("mnn_gather_rows", Marshal.SizeOf<TiledArgs>()), ("mnn_scatter", Marshal.SizeOf<TiledArgs>()), ("mnn_adam", Marshal.SizeOf<MechNN.Training.AdamArgs>()) })
        {
            var param = Regex.Match(Ptx, $@"\.entry {name}\(\s*\.param \.align 8 \.b8 {name}_param_0\[(\d+)\]");
            Assert.True(param.Success, $"{name} is not in the PTX");
            Assert.Equal(bytes, int.Parse(param.Groups[1].Value));
        }
    }

    [Theory]
    [InlineData(1, false, true)] [InlineData(2, true, true)] [InlineData(3, true, true)] [InlineData(1, true, false)] [InlineData(4, false, false)]
    public void ChunkedKernelsExistExactlyWhereTheHostUsesThem(int order, bool central, bool expected)
    {
        var spec = central ? OdeSpec.Mnn(order) : OdeSpec.Smnn(order);
        Assert.Equal(expected, CudaKernels.HasChunked(new RowLayout(spec, 1000)));
    }

    [Fact]
    public void EntryNamesFollowTheShape()
    {
        Assert.Equal("mnn_forward_d1_r3", CudaKernels.EntryName("forward", new RowLayout(new OdeSpec(2), 10)));
        Assert.Equal("mnn_backward_d0_r0", CudaKernels.EntryName("backward", new RowLayout(new OdeSpec(2) { Dims = 2, Equations = 2 }, 10)));
    }

    [Fact]
    public void FusedCudaRefusesCpuTensorsAndAutoStaysOnTheCpuKernel()
    {
        var g = manual_seed(3);
        var (spec, c, b, iv, h) = Problems.Random(g, batch: 2, T: 5, order: 2, dims: 1, initialSteps: 1, TopOrderRows.Central, epsilon: true);
        var problem = OdeProblem.Create(spec, c, b, iv, h);
        var ex = Assert.Throws<ArgumentException>(() => new BandedSolver { Backend = BandedBackend.FusedCuda }.Solve(problem));
        Assert.Contains("CUDA tensors", ex.Message);
        Assert.Equal(BandedBackend.FusedCpu, new BandedSolver().Choose(problem));
    }
}

using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using MechNN.Ode;
using MechNN.Ode.Solvers.Banded;
using MechNN.Ode.Solvers.Cuda;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MechNN.Tests.Ode;

/// <summary>Tests that touch the process-wide CUDA emulator hook run one at a time.</summary>
[CollectionDefinition("CudaKernels", DisableParallelization = true)]
public class CudaKernelsCollection;

/// <summary>
/// The CUDA kernels' own code run on the CPU: tests/CudaEmulation compiles Cuda/Kernels with g++ behind a small shim
/// (each thread block's threads as std::threads meeting at a barrier for __syncthreads), and <see cref="CudaSystem"/>
/// launches into it with CPU tensors. So CI checks the GPU path — per-member and chunked kernels, values, gradients and
/// ill-posed members — against the fused CPU kernel without a GPU. (Floating-point contraction differs from nvcc's, so
/// the tolerances are those of two different correct solvers, not bitwise.) Without g++ on PATH they are skipped
/// with that reason.
/// </summary>
[Collection("CudaKernels")]
public unsafe class CudaEmulationTests
{
    private static readonly Lazy<IntPtr> Library = new(Build);

    private static string Folder([CallerFilePath] string here = "") => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "../../CudaEmulation"));

    /// <summary>Compiles the emulator once per source version (cached by hash under the temp folder) and loads it.</summary>
    private static IntPtr Build()
    {
        var folder = Folder();
        var kernels = Path.GetFullPath(Path.Combine(folder, "../../src/MechNN/Ode/Solvers/Cuda/Kernels"));
        var sources = new[] { Path.Combine(folder, "cuda_shim.h"), Path.Combine(folder, "emulator.cpp") }
            .Concat(CudaKernelTests.KernelSources().Select(name => Path.Combine(kernels, name))).ToArray();
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Concat(sources.Select(File.ReadAllText)))))[..16];
        var output = Path.Combine(Path.GetTempPath(), "mechnn-cuda-emulator", $"libmnn_emu_{hash}.so");
        if (!File.Exists(output))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(output)!);
            var temp = output + $".{Environment.ProcessId}.tmp";
            var start = new ProcessStartInfo("g++", $"-O2 -std=c++20 -shared -fPIC -include cuda_shim.h -o \"{temp}\" emulator.cpp")
                { WorkingDirectory = folder, RedirectStandardError = true, RedirectStandardOutput = true };
            using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start g++ (install it: apt-get install g++)");
            var errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InvalidOperationException("g++ failed on the CUDA emulator:\n" + errors);
            File.Move(temp, output, overwrite: true);
        }
        return NativeLibrary.Load(output);
    }

    private static T Run<T>(Func<T> body)
    {
        var launch = (delegate* unmanaged<byte*, uint, uint, IntPtr, int>)NativeLibrary.GetExport(Library.Value, "mnn_emu_launch");
        CudaKernels.Emulator = (name, grid, block, args) =>
        {
            var bytes = Encoding.ASCII.GetBytes(name + "\0");
            fixed (byte* p = bytes)
                if (launch(p, grid, block, args) != 0) throw new InvalidOperationException($"the emulator has no kernel {name}");
        };
        try { return body(); }
        finally { CudaKernels.Emulator = null; }
    }

    /// <summary>U, ε and the gradients of the given inputs (float64) after one solve with <paramref name="backend"/> and
    /// the loss Σ U·wU + Σ ε·wε; the inputs are cast to <paramref name="dtype"/> first, and the outputs must keep it.</summary>
    private static Tensor[] SolveWithGradients(BandedBackend backend, OdeSpec spec, Tensor c, Tensor b, Tensor? iv, Tensor h,
        Tensor weightU, Tensor? weightE = null, ScalarType dtype = ScalarType.Float64, int? steps = null)
    {
        var leaves = new[] { c, b, iv, h }.Select(x => x?.detach().to_type(dtype).requires_grad_(true)).ToArray();
        var solution = new BandedSolver { Backend = backend }.Solve(OdeProblem.Create(spec, leaves[0]!, leaves[1]!, leaves[2], leaves[3]!, steps));
        ((solution.U * weightU.to_type(dtype)).sum() + (weightE is null ? solution.Epsilon : solution.Epsilon * weightE.to_type(dtype)).sum()).backward();
        var inputs = leaves.OfType<Tensor>().ToArray();
        Assert.Equal(dtype, solution.U.dtype);
        Assert.All(inputs, x => Assert.True(x.grad!.dtype == dtype && x.grad.shape.SequenceEqual(x.shape)));
        return inputs.Select(x => x.grad!).Prepend(solution.Epsilon).Prepend(solution.U).Select(x => x.detach().to_type(ScalarType.Float64)).ToArray();
    }

    /// <summary>The emulated CUDA kernels against the fused CPU kernel: values (U, ε) within <paramref name="values"/>,
    /// every gradient within <paramref name="gradients"/>. Without ε rows ε is 0 in both (a relative error of 0/0), so
    /// <paramref name="epsilon"/> false skips it.</summary>
    private static void AssertAgree(Func<BandedBackend, Tensor[]> outputs, double values, double gradients, string what = "", bool epsilon = true)
    {
        var cpu = outputs(BandedBackend.FusedCpu);
        var cuda = Run(() => outputs(BandedBackend.FusedCuda));
        for (int i = 0; i < cpu.Length; i++)
            if (i != 1 || epsilon)
                Assert.True(Problems.RelativeError(cuda[i], cpu[i]) < (i < 2 ? values : gradients),
                    $"{what}{(i == 0 ? "u" : i == 1 ? "ε" : $"gradient {i - 2}")} differs by {Problems.RelativeError(cuda[i], cpu[i]):E2}");
    }

    [CompilerFact]
    public void TheKernelsParameterBlockIsTheHostStruct()
    {
        int Size(string name) => ((delegate* unmanaged<int>)NativeLibrary.GetExport(Library.Value, name))();
        Assert.Equal(Marshal.SizeOf<CudaLayout>(), Size("mnn_emu_layout_size"));
        Assert.Equal(Marshal.SizeOf<GatherArgs>(), Size("mnn_emu_gather_size"));
        Assert.Equal(Marshal.SizeOf<TiledArgs>(), Size("mnn_emu_tiled_size"));
        Assert.Equal(Marshal.SizeOf<MechNN.Training.AdamArgs>(), Size("mnn_emu_adam_size"));
    }

    public static TheoryData<int, int, TopOrderRows, bool, int, int, int> Shapes() => new()
    {
        // order, dims, top rows, ε, initial steps, steps, batch: T = 9 → one thread per member; T = 300 → chunked (D = 1,
        // R ≤ 3); 37 members × 60 coefficients end inside the tiled copies' 32 × 32 tiles in both directions
        { 1, 1, TopOrderRows.Continuity, false, 1, 9, 2 },
        { 2, 1, TopOrderRows.Central, true, 1, 9, 2 },
        { 3, 1, TopOrderRows.None, false, 5, 9, 2 },
        { 4, 1, TopOrderRows.Continuity, true, 1, 9, 2 },
        { 2, 2, TopOrderRows.Central, true, 1, 9, 2 },       // generic kernel (D = 2)
        { 3, 3, TopOrderRows.Continuity, false, 0, 9, 2 },   // generic kernel, no initial values
        { 1, 1, TopOrderRows.Continuity, false, 1, 300, 2 },
        { 2, 1, TopOrderRows.Continuity, false, 1, 300, 2 },
        { 2, 1, TopOrderRows.Continuity, true, 1, 300, 2 },
        { 2, 1, TopOrderRows.Central, false, 0, 300, 2 },
        { 2, 1, TopOrderRows.Central, true, 0, 300, 2 },
        { 3, 1, TopOrderRows.Central, true, 1, 300, 2 },
        { 3, 1, TopOrderRows.None, false, 1, 300, 2 },
        { 4, 1, TopOrderRows.Continuity, false, 1, 300, 2 },  // R = 4: per-member kernel even when long (see HasChunked)
        { 4, 1, TopOrderRows.Central, true, 1, 300, 2 },
        { 2, 1, TopOrderRows.Central, true, 1, 20, 37 },
    };

    [CompilerTheory]
    [MemberData(nameof(Shapes))]
    public void EmulatedCudaKernelsMatchTheCpuKernel(int order, int dims, TopOrderRows top, bool epsilon, int initialSteps, int steps, int batch)
    {
        var g = manual_seed(100 * order + 10 * dims + steps + (epsilon ? 7 : 0));
        var (spec, c, b, iv, h) = Problems.Random(g, batch, T: steps, order, dims, initialSteps, top, epsilon);
        var weightU = randn(new long[] { batch, steps, dims, order + 1 }, dtype: ScalarType.Float64, generator: g);
        var weightE = randn(new long[] { batch }, dtype: ScalarType.Float64, generator: g);
        AssertAgree(backend => SolveWithGradients(backend, spec, c, b, iv, h, weightU, weightE), 1e-9, 1e-6, epsilon: epsilon);
    }

    [CompilerTheory]
    [InlineData(9)]     // one thread per member
    [InlineData(300)]   // chunked
    public void EmulatedCudaKernelsNameIllPosedMembers(int steps)
    {
        var g = manual_seed(steps);
        var (spec, c, b, _, h) = Problems.Random(g, batch: 4, T: steps, order: 2, dims: 1, initialSteps: 0, TopOrderRows.Continuity, epsilon: false);
        c[1].zero_(); c[2].zero_();   // nothing pins u in members 1 and 2
        var ex = Run(() => Assert.Throws<IllPosedSystemException>(() => new BandedSolver { Backend = BandedBackend.FusedCuda }.Solve(OdeProblem.Create(spec, c, b, null, h))));
        Assert.Equal(new long[] { 1, 2 }, ex.Members);
    }

    /// <summary>Steps that take each kernel path for R = 2: 9 one thread per member, 300 chunked.</summary>
    public static TheoryData<int> BothPaths() => new() { 9, 300 };

    /// <summary>Random second-order problems with one initial step and continuity rows.</summary>
    private static (OdeSpec Spec, Tensor C, Tensor B, Tensor? Iv, Tensor H) SecondOrder(Generator g, int batch, int steps, bool epsilon) =>
        Problems.Random(g, batch, T: steps, order: 2, dims: 1, initialSteps: 1, TopOrderRows.Continuity, epsilon);

    /// <summary>The gather kernel reads the caller's tensors as they are: broadcast along the batch and step axes,
    /// not contiguous (a transposed view), float32; the scatter kernel writes float32 outputs and gradients, and
    /// broadcast inputs' gradients are summed down. All against the fused CPU kernel on the same inputs.</summary>
    [CompilerTheory]
    [MemberData(nameof(BothPaths))]
    public void EmulatedCudaKernelsReadBroadcastStridedAndFloat32Inputs(int steps)
    {
        var g = manual_seed(steps + 1);
        var (spec, c, b, iv, h) = SecondOrder(g, batch: 3, steps, epsilon: true);
        var shared = c[0].unsqueeze(0);                                       // (1, T, 1, 1, 3): one coefficient set for all
        var rhs = b.transpose(0, 1).contiguous().transpose(0, 1);             // (3, T, 1) with batch stride 1: not contiguous
        var step = h[0, 0].reshape(1);                                        // one step for every member and gap
        var weight = randn(new long[] { 3, steps, 1, 3 }, dtype: ScalarType.Float64, generator: g);
        foreach (var (dtype, tolerance) in new[] { (ScalarType.Float64, 1e-9), (ScalarType.Float32, 1e-5) })
            AssertAgree(backend => SolveWithGradients(backend, spec, shared, rhs, iv, step, weight, dtype: dtype, steps: steps), tolerance, 1e3 * tolerance, $"{dtype}: ");
    }

    /// <summary>With the value checks left to the kernels (as for every CUDA tensor), a NaN or infinite input and a step
    /// that is not positive still surface as the input error that names the member, on both kernel paths.</summary>
    [CompilerTheory]
    [MemberData(nameof(BothPaths))]
    public void EmulatedCudaKernelsRefuseBadInputValuesByName(int steps)
    {
        var (spec, c, b, iv, h) = SecondOrder(manual_seed(steps + 2), batch: 4, steps, epsilon: false);
        OdeInputException Refused(Tensor cc, Tensor bb, Tensor ii, Tensor hh) => Run(() => Assert.Throws<OdeInputException>(() =>
            new BandedSolver { Backend = BandedBackend.FusedCuda }.Solve(OdeProblem.Create(spec, cc, bb, ii, hh, null, deferValueChecks: true))));
        var nan = b.clone(); nan[2, 5, 0] = double.NaN;
        Assert.Contains("rhs contains NaN or Inf: first at batch member [2]", Refused(c, nan, iv!, h).Message);
        var inf = iv!.clone(); inf[1, 0, 0, 0] = double.PositiveInfinity;
        Assert.Contains("initialValues contains NaN or Inf: first at batch member [1]", Refused(c, b, inf, h).Message);
        var negative = h.clone(); negative[3, 4] = -0.01;
        Assert.Contains("steps must be positive: batch member [3] has step 4", Refused(c, b, iv, negative).Message);
        // The same problem with good values solves.
        Run(() => new BandedSolver { Backend = BandedBackend.FusedCuda }.Solve(OdeProblem.Create(spec, c, b, iv, h, null, deferValueChecks: true)));
    }

    /// <summary>The one-launch Adam kernel against TorchSharp's <c>adam.step()</c> on copies of the same parameters: two
    /// parameter groups (other learning rate, L2 weight decay), 30 tensors (two launches), one tensor without a gradient
    /// (skipped by both, its step count unchanged), three steps; float64 to rounding, float32 to its precision.</summary>
    [CompilerTheory]
    [InlineData(ScalarType.Float64, 1e-13)]
    [InlineData(ScalarType.Float32, 1e-5)]
    public void EmulatedAdamKernelStepsLikeTorchSharpsAdam(ScalarType dtype, double tolerance)
    {
        var g = manual_seed(5);
        var shapes = Enumerable.Range(0, 30).Select(i => new long[] { 1 + i % 7, 1 + 37 * (i % 3) }).ToArray();
        var start = shapes.Select(s => randn(s, dtype: ScalarType.Float64, generator: g).to_type(dtype)).ToArray();
        var grads = Enumerable.Range(0, 3).Select(_ => shapes.Select(s => randn(s, dtype: ScalarType.Float64, generator: g).to_type(dtype)).ToArray()).ToArray();
        (Parameter[] P, Adam Adam) Make()
        {
            var p = start.Select(x => new Parameter(x.clone())).ToArray();
            var groups = new[]
            {
                new Adam.ParamGroup(p.Take(20), lr: 1e-2),
                new Adam.ParamGroup(p.Skip(20), lr: 3e-3, weight_decay: 0.1),
            };
            return (p, optim.Adam(groups, lr: 1e-3));
        }
        var (pa, reference) = Make();
        var (pb, fused) = Make();
        for (int step = 0; step < 3; step++)
            foreach (var (p, adam, run) in new[] { (pa, reference, (Action)(() => reference.step())), (pb, fused, () => Run(() => { MechNN.Training.AdamStep.Apply(fused); return 0; })) })
            {
                adam.zero_grad();
                for (int i = 0; i < p.Length; i++)
                    if (i != 4) p[i].grad = grads[step][i].clone();
                run();
            }
        var sa = reference.state_dict().State.Cast<Adam.State>().ToArray();
        var sb = fused.state_dict().State.Cast<Adam.State>().ToArray();
        for (int i = 0; i < pa.Length; i++)
        {
            Assert.Equal(sa[i].step, sb[i].step);
            foreach (var (a, b) in new[] { (pa[i], pb[i]), (sa[i].exp_avg, sb[i].exp_avg), (sa[i].exp_avg_sq, sb[i].exp_avg_sq) })
                Assert.True(Problems.RelativeError(b.to_type(ScalarType.Float64), a.to_type(ScalarType.Float64)) < tolerance, $"tensor {i} differs by {Problems.RelativeError(b.to_type(ScalarType.Float64), a.to_type(ScalarType.Float64)):E2}");
        }
        Assert.Equal(0, sb[4].step);
        Assert.Equal(0.0, Problems.MaxAbs((pb[4] - start[4]).to_type(ScalarType.Float64)));
    }
}

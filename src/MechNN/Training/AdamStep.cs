using System.Runtime.InteropServices;
using MechNN.Ode.Solvers.Cuda;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MechNN.Training;

/// <summary>
/// TorchSharp's <see cref="Adam"/> step with the same update and the same state (moments and step counts, so
/// checkpoints and <c>state_dict</c> are unchanged), done on a GPU in one kernel launch per 24 parameter tensors
/// instead of about eight per tensor. On a small model those launches are most of a training step's host time (the
/// reference Lorenz discovery step: 288 kernels, 40 % of them Adam's). Anywhere else — CPU tensors, AMSGrad,
/// maximisation, dtypes other than float64/float32, views that are not contiguous — it calls <c>adam.step()</c>.
/// </summary>
public static unsafe class AdamStep
{
    private const uint Threads = 256;

    /// <summary>One optimisation step of <paramref name="adam"/> over every parameter that has a gradient.</summary>
    /// <param name="adam">The optimiser; its learning rates, betas, ε and weight decay are read per parameter group.</param>
    public static void Apply(Adam adam)
    {
        var work = Plan(adam);
        if (work is null) { adam.step(); return; }
        for (int from = 0; from < work.Count; from += AdamArgs.Max)
            Launch(work.Skip(from).Take(AdamArgs.Max).ToList());
    }

    private sealed record Item(Parameter P, Tensor G, Adam.State S, Adam.Options O);

    /// <summary>The parameters with gradients and their state, or null when the fused kernel does not apply.</summary>
    private static List<Item>? Plan(Adam adam)
    {
        bool emulated = CudaKernels.Emulator is not null;
        if (!emulated && !CudaDriver.Available) return null;
        var states = adam.state_dict().State;
        var items = new List<Item>();
        int index = 0;
        (DeviceType Type, long Index)? device = null;
        foreach (var controller in adam.ParamGroups)
        {
            if (controller is not Adam.ParamGroup group) return null;
            var options = group.Options;
            foreach (var p in group.Parameters)
            {
                var state = states[index++] as Adam.State;
                if (p.grad is not { } g) continue;
                if (state is null || options.amsgrad == true || options.maximize == true) return null;
                var dtype = p.dtype;
                device ??= (p.device_type, p.device.index);
                var tensors = new Tensor[] { p, g, state.exp_avg, state.exp_avg_sq };
                // One launch serves one device: every tensor on the first parameter's device, one dtype, contiguous.
                bool fits = device.Value.Type == (emulated ? DeviceType.CPU : DeviceType.CUDA) && CudaIo.Direct(dtype)
                    && tensors.All(t => t.dtype == dtype && t.device_type == device.Value.Type && t.device.index == device.Value.Index && t.is_contiguous());
                if (!fits) return null;
                items.Add(new Item(p, g, state, options));
            }
        }
        return items.Count > 0 ? items : null;
    }

    private static void Launch(List<Item> items)
    {
        var args = new AdamArgs { Count = items.Count };
        long blocks = 0;
        for (int k = 0; k < items.Count; k++)
        {
            var (p, g, s, o) = items[k];
            s.step += 1;   // as adam.step() counts: per parameter that has a gradient
            double beta1 = o.beta1!.Value, beta2 = o.beta2!.Value;
            CudaIo.At(ref args.A0, k) = new AdamTensor
            {
                P = CudaIo.Address(p), G = CudaIo.Address(g), M = CudaIo.Address(s.exp_avg), V = CudaIo.Address(s.exp_avg_sq),
                N = p.numel(), StepSize = o.LearningRate!.Value / (1 - Math.Pow(beta1, s.step)),
                RootBias2 = Math.Sqrt(1 - Math.Pow(beta2, s.step)), Beta1 = beta1, Beta2 = beta2, Eps = o.eps!.Value,
                Decay = o.weight_decay!.Value, F32 = p.dtype == ScalarType.Float32 ? 1 : 0,
            };
            args.BlockStart[k] = blocks;
            blocks += (p.numel() + Threads - 1) / Threads;
        }
        args.BlockStart[items.Count] = blocks;
        if (blocks == 0) return;
        var launch = stackalloc void*[1];
        launch[0] = &args;
        CudaKernels.Launch(Math.Max(0, (int)items[0].P.device.index), "mnn_adam", (uint)blocks, Threads, launch);
        GC.KeepAlive(items);
    }
}

/// <summary>One tensor of the Adam kernel (<c>struct AdamTensor</c> in Kernels/adam.cuh), field for field.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct AdamTensor
{
    public IntPtr P, G, M, V;
    public long N;
    public double StepSize, RootBias2, Beta1, Beta2, Eps, Decay;
    public int F32, Pad;
}

/// <summary>The Adam kernel's parameter block (<c>struct AdamArgs</c>): up to <see cref="Max"/> tensors.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct AdamArgs
{
    public const int Max = 24;
    public AdamTensor A0, A1, A2, A3, A4, A5, A6, A7, A8, A9, A10, A11, A12, A13, A14, A15, A16, A17, A18, A19, A20, A21, A22, A23;
    public fixed long BlockStart[Max + 1];
    public int Count, Pad;
}

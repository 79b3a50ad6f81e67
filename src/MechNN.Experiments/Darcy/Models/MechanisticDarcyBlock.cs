using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MechNN.Experiments.Darcy.Models;

/// <summary>
/// One MNN module of the Darcy network (paper §5.6, our reconstruction): stride-2 3×3 convolutions (GELU after each)
/// down to a coarse map; a 1×1 head giving per coarse pixel and channel the P numbers of an ODE; the trajectory module
/// (the batched solve, or the ablation's linear map) giving K values per channel and coarse pixel (K = T, the pseudo-time
/// trajectory, or K = 2, u and u′ of the line ODEs); a 1×1 convolution C·K → C; bilinear
/// upsampling to the block's input size; and the combination GELU(W∗x + upsampled) with the block's input x, where W is a
/// K×K convolution (K = 1 in the default; K = 3 gives each block a full-resolution local path beside the coarse ODE one).
/// </summary>
public sealed class MechanisticDarcyBlock : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<Conv2d> _down;
    private readonly Conv2d _head, _reduce, _skip;
    private readonly nn.Module<Tensor, Tensor> _trajectory;
    private readonly int _channels, _perMember;

    /// <summary>A block of <paramref name="channels"/> channels.</summary>
    /// <param name="channels">Feature channels C.</param>
    /// <param name="levels">Stride-2 downsamplings (85 → 43 → 22 for 2).</param>
    /// <param name="perMember">Head numbers per channel and coarse pixel.</param>
    /// <param name="outputs">Values K the trajectory module returns per channel and coarse pixel.</param>
    /// <param name="trajectory">(N, C, P, h, w) → (N, C, K, h, w).</param>
    /// <param name="skipKernel">Odd kernel size K of the skip convolution W.</param>
    public MechanisticDarcyBlock(int channels, int levels, int perMember, int outputs, nn.Module<Tensor, Tensor> trajectory, int skipKernel = 1) : base(nameof(MechanisticDarcyBlock))
    {
        _channels = channels;
        _perMember = perMember;
        _down = new ModuleList<Conv2d>(Enumerable.Range(0, levels).Select(_ => nn.Conv2d(channels, channels, 3, stride: 2, padding: 1)).ToArray());
        _head = nn.Conv2d(channels, channels * perMember, 1);
        _trajectory = trajectory;
        _reduce = nn.Conv2d(channels * outputs, channels, 1);
        _skip = nn.Conv2d(channels, channels, skipKernel, padding: skipKernel / 2);
        RegisterComponents();
    }

    /// <summary>Applies the block.</summary>
    /// <param name="x">(N, C, H, W) features.</param>
    /// <returns>(N, C, H, W) features.</returns>
    public override Tensor forward(Tensor x)
    {
        var z = x;
        foreach (var down in _down) z = nn.functional.gelu(down.forward(z));
        long n = z.shape[0], h = z.shape[2], w = z.shape[3];
        var parameters = _head.forward(z).reshape(n, _channels, _perMember, h, w);
        var trajectory = _trajectory.forward(parameters);
        var reduced = _reduce.forward(trajectory.reshape(n, -1, h, w));
        var up = nn.functional.interpolate(reduced, new long[] { x.shape[2], x.shape[3] }, mode: InterpolationMode.Bilinear, align_corners: false);
        return nn.functional.gelu(_skip.forward(x) + up);
    }
}

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MechNN.Experiments.Darcy.Models;

/// <summary>
/// The ablation's stand-in for <see cref="OdeTrajectory"/>: the same P head numbers per channel and coarse pixel mapped
/// to T "trajectory" values by a learned linear map (a grouped 1×1 convolution, one map per channel), no solve.
/// </summary>
public sealed class LinearTrajectory : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d _map;
    private readonly int _channels, _steps;

    /// <summary>A linear map from <paramref name="perMember"/> numbers to <paramref name="steps"/> values for each of <paramref name="channels"/> channels.</summary>
    /// <param name="channels">Channels C.</param>
    /// <param name="perMember">Head numbers per channel P.</param>
    /// <param name="steps">Output values T.</param>
    public LinearTrajectory(int channels, int perMember, int steps) : base(nameof(LinearTrajectory))
    {
        _channels = channels;
        _steps = steps;
        _map = nn.Conv2d(channels * perMember, channels * steps, 1, groups: channels);
        RegisterComponents();
    }

    /// <summary>Maps the head's numbers.</summary>
    /// <param name="parameters">(N, C, P, H, W).</param>
    /// <returns>(N, C, T, H, W).</returns>
    public override Tensor forward(Tensor parameters)
    {
        long n = parameters.shape[0], h = parameters.shape[3], w = parameters.shape[4];
        return _map.forward(parameters.reshape(n, -1, h, w)).reshape(n, _channels, _steps, h, w);
    }
}

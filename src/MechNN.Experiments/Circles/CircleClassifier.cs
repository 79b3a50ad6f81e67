using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Experiments.Circles;

/// <summary>A classifier of points: (N, dims) → scores (N); the sign is the class.</summary>
public abstract class CircleClassifier(string name) : nn.Module<Tensor, Tensor>(name)
{
    public abstract string DisplayName { get; }
}

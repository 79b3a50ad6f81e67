using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MechNN.Experiments.Sine;

/// <summary>A model that fits a 1-D signal on a fixed time grid (the §5.7 comparison).</summary>
public interface ISineModel
{
    string Name { get; }
    /// <summary>The fitted signal (T) on the model's device, in the model's dtype.</summary>
    Tensor Predict();
    IEnumerable<Parameter> Parameters();
}

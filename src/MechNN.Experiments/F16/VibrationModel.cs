using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MechNN.Experiments.F16;

/// <summary>A model of the wing acceleration driven by the excitation: predicts a2 on steps 0..T−1 from a1.</summary>
public interface IVibrationModel
{
    string Name { get; }
    /// <summary>Prediction (T) for the forcing (T); a2(0) is given.</summary>
    Tensor Predict(Tensor forcing, double initialValue);
    IEnumerable<Parameter> Parameters();
}

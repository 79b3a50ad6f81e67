using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MechNN.Layers;

/// <summary>
/// Learnable positive step sizes as the paper's models use them: h = max(sigmoid(θ), minimum), θ initialised at
/// logit(h₀), so steps stay in (0, 1) and never collapse below <c>minimum</c>.
/// </summary>
public sealed class LearnableSteps : nn.Module
{
    private readonly Parameter _logit;
    /// <summary>Smallest step the layer returns.</summary>
    public double Minimum { get; }

    /// <param name="shape">Shape of the step tensor, e.g. (T−1) for per-step sizes or (1) for one uniform step.</param>
    public LearnableSteps(long[] shape, double initial, double minimum = 1e-3, ScalarType dtype = ScalarType.Float32) : base(nameof(LearnableSteps))
    {
        if (!(initial > 0 && initial < 1)) throw new ArgumentOutOfRangeException(nameof(initial), initial, "The initial step must lie in (0, 1) (it is a sigmoid).");
        if (!(minimum >= 0 && minimum < initial)) throw new ArgumentOutOfRangeException(nameof(minimum), minimum, "The minimum must lie in [0, initial).");
        Minimum = minimum;
        _logit = nn.Parameter(full(shape, Math.Log(initial / (1 - initial)), dtype: dtype));
        RegisterComponents();
    }

    /// <summary>The current steps (differentiable w.r.t. the parameter).</summary>
    public Tensor Value() => sigmoid(_logit).clamp_min(Minimum);
}

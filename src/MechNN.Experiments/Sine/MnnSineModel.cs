using MechNN.Layers;
using MechNN.Ode;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MechNN.Experiments.Sine;

/// <summary>
/// Reference fit/sine model: a free order-2 linear ODE c0·u + c1·u' + c2·u'' = 1 with per-step coefficients
/// (initialised U(0,1)), no initial values, and learnable steps sigmoid(θ) initialised at the grid step.
/// </summary>
public sealed class MnnSineModel : ISineModel
{
    private readonly MechanisticLayer _layer;
    private readonly Parameter _coefficients;
    private readonly LearnableSteps _steps;
    private readonly Tensor _rhs;

    public string Name { get; }

    public MnnSineModel(int points, double step, Device device, ScalarType dtype, long seed, OdeSpec? spec = null)
    {
        spec ??= new OdeSpec(2) { InitialSteps = 0 };
        _layer = new MechanisticLayer(spec, LayerMode.Independent);
        Name = spec.Epsilon ? "MNN (order 2, per-step coefficients)" : $"MNN (order 2, per-step coefficients, no ε, {spec.TopOrder} rows)";
        var g = manual_seed(seed);
        _coefficients = new Parameter(rand(new long[] { 1, points, 3 }, dtype: ScalarType.Float64, generator: g).to(dtype, device));
        _steps = new LearnableSteps(new long[] { 1, points - 1 }, initial: step, minimum: 1e-3, dtype: dtype);
        _steps.to(device);
        _rhs = ones(new long[] { 1, points }, dtype: dtype, device: device);
    }

    public Tensor Predict() => _layer.forward(_coefficients, _rhs, null, _steps.Value()).Values[0];

    public IEnumerable<Parameter> Parameters() => new[] { _coefficients }.Concat(_steps.parameters());
}

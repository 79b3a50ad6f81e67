using MechNN.Layers;
using MechNN.Ode;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Tests.Layers;

/// <summary>
/// The paper's §5.7 / reference fit/sine task: per-step coefficients of an order-2 ODE (rhs ≡ 1, no initial values)
/// and learnable steps fitted to a damped noisy sine y = (sin 2t + 0.5·N(0,1))·e^(−0.1t) on 500 points of [0, 50].
/// </summary>
internal sealed class SineFit
{
    private readonly MechanisticLayer _layer = new(new OdeSpec(2) { InitialSteps = 0 }, LayerMode.Independent);
    public Tensor Target { get; }
    public TorchSharp.Modules.Parameter Coefficients { get; }
    public LearnableSteps Steps { get; }
    private readonly Tensor _rhs;

    public SineFit(int points, ScalarType dtype, long seed)
    {
        var g = manual_seed(seed);
        var t = linspace(0, 50, points, dtype: ScalarType.Float64);
        Target = (((2 * t).sin() + 0.5 * randn(points, dtype: ScalarType.Float64, generator: g)) * (-0.1 * t).exp()).to_type(dtype);
        Coefficients = nn.Parameter(rand(new long[] { 1, points, 3 }, dtype: ScalarType.Float64, generator: g).to_type(dtype));
        Steps = new LearnableSteps(new long[] { 1, points - 1 }, initial: 0.1, minimum: 1e-3, dtype: dtype);
        _rhs = ones(1, points, dtype: dtype);
    }

    public Tensor Loss() => (_layer.forward(Coefficients, _rhs, null, Steps.Value()).Values[0] - Target).square().sum();

    /// <summary>Runs Adam (lr 1e-2) and returns the losses before the first and after the last step.</summary>
    public (double First, double Last) Train(int iterations)
    {
        var parameters = new List<TorchSharp.Modules.Parameter> { Coefficients }.Concat(Steps.parameters()).ToList();
        var adam = optim.Adam(parameters, lr: 1e-2);
        double first = double.NaN, last = double.NaN;
        for (int i = 0; i <= iterations; i++)
        {
            using var scope = NewDisposeScope();
            adam.zero_grad();
            var loss = Loss();
            if (i == 0) first = loss.item<double>();
            if (i == iterations) { last = loss.item<double>(); break; }
            loss.backward();
            adam.step();
        }
        return (first, last);
    }
}

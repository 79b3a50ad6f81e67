using MechNN.Integrators;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MechNN.Experiments.TwoBody;

/// <summary>
/// Neural ODE baseline for the 2-body forecast: the full state (positions, velocities) evolves by z' = f(z) with an MLP
/// field; trained on the same windows (RK4 over each window from its first state, backprop through the steps).
/// </summary>
public sealed class NeuralOdeOrbitModel : nn.Module<Tensor, Tensor>
{
    private readonly Sequential _field;
    private readonly double _step;

    public NeuralOdeOrbitModel(double step, int hidden = 64) : base(nameof(NeuralOdeOrbitModel))
    {
        _step = step;
        _field = nn.Sequential(nn.Linear(8, hidden), nn.Tanh(), nn.Linear(hidden, hidden), nn.Tanh(), nn.Linear(hidden, 8));
        _field.to(ScalarType.Float64);
        RegisterComponents();
    }

    public Tensor Field(Tensor state) => _field.forward(state);

    /// <param name="windows">(W, T, 8).</param>
    /// <returns>Predicted positions (W, T, 2, 2), as <see cref="MassRatioModel"/>.</returns>
    public override Tensor forward(Tensor windows)
    {
        long w = windows.size(0), t = windows.size(1);
        var times = Enumerable.Range(0, (int)t).Select(i => i * _step).ToArray();
        var z = Rk4.Integrate((_, s) => Field(s), windows.select(1, 0), times);                 // (T, W, 8)
        return z.permute(1, 0, 2).narrow(-1, 0, 4).reshape(w, t, 2, 2);
    }

    public double[][] Forecast(double[] state, IReadOnlyList<double> times) =>
        new DormandPrince45(1e-8, 1e-8).Integrate((_, s) =>
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            return Field(tensor(s, dtype: ScalarType.Float64)).data<double>().ToArray();
        }, state, times);
}

using MechNN.Integrators;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MechNN.Experiments.Circles;

/// <summary>
/// Neural ODE baseline (and its augmented variant, ANODE, with extra zero-initialised dimensions): z' = f(z) with an MLP
/// field, z(0) = [x, 0…], integrated by RK4 over [0, 1] (backprop through the steps); linear readout of z(1).
/// </summary>
public sealed class NeuralOdeClassifier : CircleClassifier
{
    private readonly Sequential _field;
    private readonly Linear _readout;
    private readonly int _augment, _steps;

    public override string DisplayName => _augment == 0 ? "Neural ODE" : $"Augmented Neural ODE (+{_augment} dims)";

    public NeuralOdeClassifier(int dims = 2, int augment = 0, int hidden = 64, int steps = 10) : base(nameof(NeuralOdeClassifier))
    {
        _augment = augment; _steps = steps;
        int width = dims + augment;
        _field = nn.Sequential(nn.Linear(width, hidden), nn.Tanh(), nn.Linear(hidden, hidden), nn.Tanh(), nn.Linear(hidden, width));
        _readout = nn.Linear(width, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var z0 = _augment == 0 ? x : cat(new[] { x, zeros(x.size(0), _augment, dtype: x.dtype, device: x.device) }, 1);
        var times = Enumerable.Range(0, _steps + 1).Select(i => (double)i / _steps).ToArray();
        var z1 = Rk4.Integrate((_, z) => _field.forward(z), z0, times).select(0, _steps);
        return _readout.forward(z1).squeeze(-1);
    }
}

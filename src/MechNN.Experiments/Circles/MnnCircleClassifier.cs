using MechNN.Layers;
using MechNN.IO.ModelFiles;
using MechNN.Ode;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MechNN.Experiments.Circles;

/// <summary>
/// MNN classifier (paper §5.2): a network maps each input point to the per-step coefficients and rhs of its own
/// second-order ODE in each input dimension, started at the point itself (no augmentation); the solution at the last
/// step feeds a linear readout. Every point gets its own ODE, so the map is not the flow of one vector field and the
/// nested classes need not stay nested.
/// </summary>
public sealed class MnnCircleClassifier : CircleClassifier, ISavableModel
{
    public const string Kind = "circles-mnn";

    private readonly Sequential _encoder;
    private readonly Linear _readout;
    private readonly MechanisticLayer _layer;
    private readonly Tensor _steps;
    private readonly int _dims, _stepCount, _hidden;
    private readonly double _step;

    public override string DisplayName => "MNN (no augmentation)";

    public MnnCircleClassifier(int dims = 2, int steps = 10, int hidden = 64, double step = 0.1) : base(nameof(MnnCircleClassifier))
    {
        _dims = dims; _stepCount = steps; _hidden = hidden; _step = step;
        // Per dim and step: coefficients of u, u', u'' and the rhs.
        _encoder = nn.Sequential(nn.Linear(dims, hidden), nn.Tanh(), nn.Linear(hidden, hidden), nn.Tanh(), nn.Linear(hidden, dims * steps * 4));
        _readout = nn.Linear(dims, 1);
        _layer = new MechanisticLayer(new OdeSpec(2) { InitialSteps = 1, InitialOrders = 1, Epsilon = false }, LayerMode.Independent);
        _steps = full(steps - 1, step, dtype: ScalarType.Float64);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        long n = x.size(0);
        var p = _encoder.forward(x).reshape(n, _dims, _stepCount, 4);
        // Keep the u'' coefficient away from zero (softplus + 0.5) so every ODE stays second order and well posed.
        var coefficients = cat(new[] { p.narrow(-1, 0, 2), nn.functional.softplus(p.narrow(-1, 2, 1)) + 0.5 }, -1);
        var rhs = p.select(-1, 3);
        var solution = _layer.forward(coefficients, rhs, x.unsqueeze(-1).unsqueeze(-1), _steps.to(x.device));
        return _readout.forward(solution.Values.select(-1, _stepCount - 1)).squeeze(-1);
    }

    public ModelFile Capture() => ModuleState.Capture(Kind,
        new Dictionary<string, double> { ["dims"] = _dims, ["steps"] = _stepCount, ["hidden"] = _hidden, ["step"] = _step }, this);

    /// <summary>Rebuilds a saved classifier with its architecture from the header, then its weights (float64).</summary>
    public static MnnCircleClassifier Load(ModelFile file)
    {
        file.Expect(Kind);
        var model = new MnnCircleClassifier(file.HyperInt("dims"), file.HyperInt("steps", 2), file.HyperInt("hidden"), file.Hyper("step"));
        model.to(ScalarType.Float64);
        ModuleState.Restore(file, model);
        return model;
    }
}

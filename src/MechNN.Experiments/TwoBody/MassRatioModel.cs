using MechNN.Layers;
using MechNN.IO.ModelFiles;
using MechNN.Ode;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MechNN.Experiments.TwoBody;

/// <summary>
/// Restricted MNN of paper §5.4: for body i and axis j a learned constant c_ij > 0 in c_ij·u''_ij = F_ij(t), where the force
/// comes from a network of the observed displacement r₁ − r₂ and obeys Newton's third law by construction (F₂ = −F₁).
/// Only c₂/c₁ is identifiable (F and c share a scale); for the true system it equals m₂/m₁.
/// </summary>
public sealed class MassRatioModel : nn.Module<Tensor, Tensor>, ISavableModel
{
    public const string Kind = "two-body-mass-ratio";

    private readonly Parameter _logC = new(zeros(2, 2, dtype: ScalarType.Float64));   // [body, axis]
    private readonly Sequential _force;
    private readonly MechanisticLayer _layer = new(new OdeSpec(2) { InitialSteps = 1, InitialOrders = 2, Epsilon = false }, LayerMode.Independent);
    private readonly double _step;
    private readonly int _hidden;

    public MassRatioModel(double step, int hidden = 64) : base(nameof(MassRatioModel))
    {
        _step = step;
        _hidden = hidden;
        _force = nn.Sequential(nn.Linear(2, hidden), nn.Tanh(), nn.Linear(hidden, hidden), nn.Tanh(), nn.Linear(hidden, 2));
        _force.to(ScalarType.Float64);
        RegisterComponents();
    }

    /// <summary>c_ij, shape (2 bodies, 2 axes).</summary>
    public Tensor C => _logC.exp();

    /// <summary>The learned force on body 1 for displacements r₁ − r₂ (…, 2).</summary>
    public Tensor Force(Tensor displacement) => _force.forward(displacement);

    /// <param name="windows">(W, T, 8) observed states (positions then velocities).</param>
    /// <returns>Predicted positions (W, T, 2 bodies, 2 axes).</returns>
    public override Tensor forward(Tensor windows)
    {
        long w = windows.size(0), t = windows.size(1);
        var positions = windows.narrow(-1, 0, 4).reshape(w, t, 2, 2);
        var velocities = windows.narrow(-1, 4, 4).reshape(w, t, 2, 2);
        var f1 = Force(positions.select(2, 0) - positions.select(2, 1));             // (W, T, 2): force on body 1
        var force = stack(new[] { f1, -f1 }, 2);                                             // third law
        var coefficients = cat(new[] { zeros(2, 2, 1, 2, dtype: ScalarType.Float64), C.reshape(2, 2, 1, 1) }, -1);   // (2, 2, T|1, 3)
        var rhs = force.permute(0, 2, 3, 1);                                                  // (W, 2, 2, T)
        var iv = stack(new[] { positions.select(1, 0), velocities.select(1, 0) }, -1).unsqueeze(-2);   // (W, 2, 2, 1, 2)
        var solution = _layer.forward(coefficients, rhs, iv, full(1, _step, dtype: ScalarType.Float64));
        return solution.Values.permute(0, 3, 1, 2);                                            // (W, T, 2, 2)
    }

    public ModelFile Capture() => ModuleState.Capture(Kind, new Dictionary<string, double> { ["step"] = _step, ["hidden"] = _hidden }, this);

    public static MassRatioModel Load(ModelFile file)
    {
        file.Expect(Kind);
        var model = new MassRatioModel(file.Hyper("step"), file.HyperInt("hidden"));
        ModuleState.Restore(file, model);
        return model;
    }
}

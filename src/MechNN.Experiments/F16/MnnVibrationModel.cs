using MechNN.Layers;
using MechNN.IO.ModelFiles;
using MechNN.Ode;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MechNN.Experiments.F16;

/// <summary>
/// MNN model (paper §5.3): the linear second-order ODE c₀u + c₁u' + u'' = k·a1(t) + b with learned constants, solved over
/// the whole record at once by the mechanistic layer from u(0) = a2(0) and a learned u'(0); unit steps.
/// </summary>
public sealed class MnnVibrationModel : nn.Module, IVibrationModel, ISavableModel
{
    public const string Kind = "f16-mnn-linear";

    private readonly Parameter _c = new(tensor(new double[] { 0.1, 0.1 }, dtype: ScalarType.Float64));
    private readonly Parameter _gain = new(tensor(new double[] { 0.1 }, dtype: ScalarType.Float64));
    private readonly Parameter _bias = new(zeros(1, dtype: ScalarType.Float64));
    private readonly Parameter _velocity = new(zeros(1, dtype: ScalarType.Float64));
    private readonly MechanisticLayer _layer = new(new OdeSpec(2) { InitialSteps = 1, InitialOrders = 2, Epsilon = false }, LayerMode.Independent);

    public string Name => "MNN (linear order-2 ODE, one solve)";

    public MnnVibrationModel(long seed) : base(nameof(MnnVibrationModel))
    {
        RegisterComponents();
        // A generator of its own (the same stream as manual_seed(seed)): the global one is shared with whatever else runs
        // in the process, and a draw in between would change this model's start.
        using var g = new Generator((ulong)seed);
        using var noGrad = no_grad();
        _c.copy_(0.05 + 0.1 * rand(2, dtype: ScalarType.Float64, generator: g));
        _gain.copy_(0.1 * randn(1, dtype: ScalarType.Float64, generator: g));
    }

    public Tensor Predict(Tensor forcing, double initialValue)
    {
        long T = forcing.size(0);
        var coefficients = cat(new[] { _c, ones(1, dtype: ScalarType.Float64) }).reshape(1, 1, 3);     // time-invariant
        var rhs = (_gain * forcing + _bias).reshape(1, T);
        var iv = cat(new[] { full(1, initialValue, dtype: ScalarType.Float64), _velocity }).reshape(1, 1, 2);
        var steps = ones(1, 1, dtype: ScalarType.Float64);
        return _layer.forward(coefficients, rhs, iv, steps).Values[0];
    }

    public IEnumerable<Parameter> Parameters() => parameters();

    public ModelFile Capture() => ModuleState.Capture(Kind, new Dictionary<string, double>(), this);

    /// <summary>Rebuilds a saved model (its constants need no hyper-parameters).</summary>
    public static MnnVibrationModel Load(ModelFile file)
    {
        var model = new MnnVibrationModel(0);
        ModuleState.Restore(file.Expect(Kind), model);
        return model;
    }
}

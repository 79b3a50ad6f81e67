using MechNN.Layers;
using MechNN.IO.ModelFiles;
using MechNN.Ode;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MechNN.Experiments.F16;

/// <summary>
/// MNN model with time-varying coefficients (the paper's mechanistic block, §5.3): at every sample t a small network reads
/// a window of the forcing a1[t−k..t+k] and produces c₀(t), c₁(t) and the rhs b(t) of c₀(t)u + c₁(t)u' + u'' = b(t); the
/// whole record is still one second-order solve from u(0) = a2(0) and a learned u'(0). The rhs has a linear path (a
/// learned filter of the window, which alone keeps the model linear in a1) beside the network's correction, and the
/// coefficients are learned constants plus the network's variation, so training starts near the constant-coefficient model.
/// The forcing is known over the whole record, so a centred window may look ahead (<c>causal</c> = false).
/// </summary>
public sealed class NetworkVibrationModel : nn.Module, IVibrationModel, ISavableModel
{
    public const string Kind = "f16-mnn-network";
    /// <summary>±64 samples (129 in all): measured on the F-16 protocol (docs/results/f16.md), ±8 and ±16 fit less,
    /// ±32 only just halves SONODE's train error on every seed.</summary>
    public const int DefaultHalfWidth = 64;
    public const int DefaultHidden = 32;

    private readonly Parameter _c = new(tensor(new double[] { 0.1, 0.1 }, dtype: ScalarType.Float64));
    private readonly Parameter _velocity = new(zeros(1, dtype: ScalarType.Float64));
    private readonly Linear _filter;
    private readonly Sequential _network;
    private readonly MechanisticLayer _layer = new(new OdeSpec(2) { InitialSteps = 1, InitialOrders = 2, Epsilon = false }, LayerMode.Independent);
    private readonly int _halfWidth, _hidden;
    private readonly bool _causal;

    public string Name => $"MNN (network c(t), b(t) from a1 window {WindowLength}{(_causal ? " causal" : "")}, one solve)";

    private int WindowLength => _causal ? _halfWidth + 1 : 2 * _halfWidth + 1;

    public NetworkVibrationModel(long seed, int halfWidth = DefaultHalfWidth, int hidden = DefaultHidden, bool causal = false) : base(nameof(NetworkVibrationModel))
    {
        if (halfWidth < 0 || hidden < 1) throw new ArgumentException($"window half-width must be ≥ 0 and hidden width ≥ 1 (got {halfWidth}, {hidden})");
        _halfWidth = halfWidth; _hidden = hidden; _causal = causal;
        var g = manual_seed(seed);
        _filter = nn.Linear(WindowLength, 1, dtype: ScalarType.Float64);
        _network = nn.Sequential(nn.Linear(WindowLength, hidden, dtype: ScalarType.Float64), nn.Tanh(), nn.Linear(hidden, 3, dtype: ScalarType.Float64));
        using (no_grad())
        {
            _c.copy_(0.05 + 0.1 * rand(2, dtype: ScalarType.Float64, generator: g));
            // A small last layer: the variation starts near zero, so the first iterations fit the constant-coefficient ODE.
            var last = (Linear)_network[2];
            last.weight!.mul_(0.01);
            last.bias!.zero_();
        }
        RegisterComponents();
    }

    /// <summary>Windows (T, L) of the forcing, zero beyond the record (the forcing is mean-centred, so zero is neutral).</summary>
    private Tensor Windows(Tensor forcing)
    {
        var padded = nn.functional.pad(forcing, new long[] { _halfWidth, _causal ? 0 : _halfWidth });
        return padded.unfold(0, WindowLength, 1);
    }

    public Tensor Predict(Tensor forcing, double initialValue)
    {
        long T = forcing.size(0);
        var windows = Windows(forcing);
        var d = _network.forward(windows);                                                         // (T, 3)
        var coefficients = stack(new[] { _c[0] + d[.., 0], _c[1] + d[.., 1], ones(T, dtype: ScalarType.Float64) }, -1);   // (T, 3)
        var rhs = (_filter.forward(windows).squeeze(-1) + d[.., 2]).reshape(1, T);
        var iv = cat(new[] { full(1, initialValue, dtype: ScalarType.Float64), _velocity }).reshape(1, 1, 2);
        var steps = ones(1, 1, dtype: ScalarType.Float64);
        return _layer.forward(coefficients.unsqueeze(0), rhs, iv, steps).Values[0];
    }

    public IEnumerable<Parameter> Parameters() => parameters();

    public ModelFile Capture() => ModuleState.Capture(Kind,
        new Dictionary<string, double> { ["halfWidth"] = _halfWidth, ["hidden"] = _hidden, ["causal"] = _causal ? 1 : 0 }, this);

    public static NetworkVibrationModel Load(ModelFile file)
    {
        file.Expect(Kind);
        var model = new NetworkVibrationModel(0, file.HyperInt("halfWidth", 0), file.HyperInt("hidden"), file.Hyper("causal") != 0);
        ModuleState.Restore(file, model);
        return model;
    }
}

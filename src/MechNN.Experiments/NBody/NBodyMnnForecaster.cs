using MechNN.IO.ModelFiles;
using MechNN.Layers;
using MechNN.Ode;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MechNN.Experiments.NBody;

/// <summary>
/// The MNN forecaster of paper §5.5 (after the public <c>two_body_multi_sparse_sys.py</c>, written for any N): from the
/// positions of the last <see cref="Observed"/> steps, a network gives, for every body, the time-varying coefficients,
/// right-hand side and steps of a coupled order-2 linear system in (x, y) over <see cref="Steps"/> = 2·Observed steps;
/// the observed positions are its initial values (S = Observed), so its solution continues them.
/// </summary>
/// <remarks>
/// One network is shared by the bodies (the bodies are the independent batch axis of the solve): body i sees the
/// differences r_j − r_i to every body over the observed steps and its own path relative to its first observed position,
/// scaled by <see cref="Scale"/>. The coefficient of u'' starts at 1 (a fixed offset on the network's output) so the
/// untrained solve is a well-posed second-order system.
/// </remarks>
public sealed class NBodyMnnForecaster : nn.Module<Tensor, Tensor>, ISavableModel
{
    /// <summary>The model-file kind.</summary>
    public const string Kind = "n-body-mnn";

    private const int Order = 2, Dims = 2;
    private readonly Sequential _trunk;
    private readonly Linear _coefficients, _rhs, _steps;
    private readonly MechanisticLayer _layer;
    private readonly Tensor _offset;

    /// <summary>A forecaster for <paramref name="bodies"/> bodies.</summary>
    /// <param name="bodies">Bodies N.</param>
    /// <param name="observed">Observed steps (the solve has twice as many).</param>
    /// <param name="scale">Length scale the network inputs are divided by (e.g. the RMS position of the training data).</param>
    /// <param name="step">Initial solver step (the data's sample spacing).</param>
    /// <param name="hidden">Hidden width of the network.</param>
    /// <exception cref="ArgumentException">A size below its minimum, or a non-positive scale or step.</exception>
    public NBodyMnnForecaster(int bodies, int observed = 50, double scale = 1, double step = 0.1, int hidden = 256) : base(nameof(NBodyMnnForecaster))
    {
        if (bodies < 2 || observed < 2 || hidden < 1) throw new ArgumentException($"the forecaster needs ≥ 2 bodies, ≥ 2 observed steps and a hidden width ≥ 1 (got {bodies}, {observed}, {hidden})");
        if (!(scale > 0) || !(step > 0 && step < 1)) throw new ArgumentException($"the scale must be positive and the step in (0, 1) (got {scale}, {step})");
        Bodies = bodies;
        Observed = observed;
        Scale = scale;
        Step = step;
        Hidden = hidden;
        int inputs = observed * 2 * (bodies + 1);
        _trunk = nn.Sequential(nn.Linear(inputs, hidden), nn.ELU(), nn.Linear(hidden, hidden), nn.ELU(), nn.Linear(hidden, hidden), nn.ELU());
        _coefficients = nn.Linear(hidden, Steps * Dims * Dims * (Order + 1));
        _rhs = nn.Linear(hidden, Steps * Dims);
        _steps = nn.Linear(hidden, Steps - 1);
        // Equation e starts as u_e'' = rhs_e: coefficient 1 on its own second derivative.
        var offset = zeros(Dims, Dims, Order + 1, dtype: ScalarType.Float64);
        for (int e = 0; e < Dims; e++) offset[e, e, Order] = 1.0;
        _offset = offset;
        _layer = new MechanisticLayer(new OdeSpec(Order) { Dims = Dims, Equations = Dims, InitialSteps = observed, InitialOrders = 1 }, LayerMode.Coupled);
        RegisterComponents();
        this.to(ScalarType.Float64);
    }

    /// <summary>Bodies N.</summary>
    public int Bodies { get; }

    /// <summary>Observed steps per window.</summary>
    public int Observed { get; }

    /// <summary>Steps of the solve: the observed ones and as many forecast.</summary>
    public int Steps => 2 * Observed;

    /// <summary>Length scale of the network inputs.</summary>
    public double Scale { get; }

    /// <summary>Initial solver step.</summary>
    public double Step { get; }

    /// <summary>Hidden width.</summary>
    public int Hidden { get; }

    /// <summary>Positions over the observed and the forecast steps.</summary>
    /// <param name="observed">(B, Observed, N, 2) observed positions.</param>
    /// <returns>(B, 2·Observed, N, 2) the solve's positions: the first Observed close to the input, then the forecast.</returns>
    /// <exception cref="ArgumentException">The input's shape does not match the model.</exception>
    public override Tensor forward(Tensor observed)
    {
        if (observed.dim() != 4 || observed.size(1) != Observed || observed.size(2) != Bodies || observed.size(3) != 2)
            throw new ArgumentException($"observed positions have shape [{string.Join(", ", observed.shape)}]; the model expects [B, {Observed}, {Bodies}, 2]");
        long b = observed.size(0);
        int n = Bodies, t = Steps;
        var origin = observed.select(1, 0);                                                     // (B, N, 2)
        var relative = (observed - origin.unsqueeze(1)).permute(0, 2, 1, 3);                     // (B, N, S, 2)
        var differences = observed.unsqueeze(2) - observed.unsqueeze(3);                         // (B, S, i, j, 2): r_j − r_i
        var features = cat(new[]
        {
            differences.permute(0, 2, 1, 3, 4).reshape(b, n, -1),
            relative.reshape(b, n, -1),
        }, -1) / Scale;                                                                           // (B, N, S·2·(N+1))
        var h = _trunk.forward(features);
        var coefficients = _coefficients.forward(h).reshape(b, n, t, Dims, Dims, Order + 1) + _offset.to(observed.device);
        var rhs = _rhs.forward(h).reshape(b, n, t, Dims);
        double logit = Math.Log(Step / (1 - Step));
        var steps = sigmoid(_steps.forward(h) + logit).clamp(1e-3, 0.999);                     // (B, N, T−1)
        var initial = relative.unsqueeze(-1);                                                     // (B, N, S, 2, 1)
        var u = _layer.forward(coefficients, rhs, initial, steps).U;                              // (B, N, T, 2, 3)
        return u.select(-1, 0).permute(0, 2, 1, 3) + origin.unsqueeze(1);
    }

    /// <inheritdoc/>
    public ModelFile Capture() => ModuleState.Capture(Kind, new Dictionary<string, double>
    {
        ["bodies"] = Bodies, ["observed"] = Observed, ["scale"] = Scale, ["step"] = Step, ["hidden"] = Hidden,
    }, this);

    /// <summary>A forecaster from a model file.</summary>
    /// <param name="file">A file written by <see cref="Capture"/>.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ModelFileException">The file holds another kind of model or misses a tensor.</exception>
    public static NBodyMnnForecaster Load(ModelFile file)
    {
        file.Expect(Kind);
        var model = new NBodyMnnForecaster(file.HyperInt("bodies"), file.HyperInt("observed"), file.Hyper("scale"), file.Hyper("step"), file.HyperInt("hidden"));
        ModuleState.Restore(file, model);
        return model;
    }
}

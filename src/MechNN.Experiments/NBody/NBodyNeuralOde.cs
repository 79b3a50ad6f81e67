using MechNN.Integrators;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MechNN.Experiments.NBody;

/// <summary>
/// Neural ODE baseline for the N-body forecast: the full 4N state evolves by z' = s ⊙ f(z / s), f an MLP and s a fixed
/// per-variable scale (position and velocity RMS of the training data); RK4 at the sample spacing, backprop through the
/// steps.
/// </summary>
public sealed class NBodyNeuralOde : nn.Module<Tensor, Tensor>
{
    private readonly Sequential _field;
    private readonly Tensor _scale;

    /// <summary>A Neural ODE for <paramref name="bodies"/> bodies.</summary>
    /// <param name="bodies">Bodies N.</param>
    /// <param name="horizon">Steps forecast by <see cref="forward"/>.</param>
    /// <param name="step">Sample spacing (the RK4 step).</param>
    /// <param name="positionScale">RMS position of the training data.</param>
    /// <param name="velocityScale">RMS velocity of the training data.</param>
    /// <param name="hidden">Hidden width of the field.</param>
    /// <exception cref="ArgumentException">A size below its minimum or a non-positive scale or step.</exception>
    public NBodyNeuralOde(int bodies, int horizon, double step, double positionScale, double velocityScale, int hidden = 256) : base(nameof(NBodyNeuralOde))
    {
        if (bodies < 2 || horizon < 1 || hidden < 1) throw new ArgumentException($"the Neural ODE needs ≥ 2 bodies, a horizon ≥ 1 and a hidden width ≥ 1 (got {bodies}, {horizon}, {hidden})");
        if (!(step > 0) || !(positionScale > 0) || !(velocityScale > 0)) throw new ArgumentException("the step and the scales must be positive");
        Bodies = bodies;
        Horizon = horizon;
        Step = step;
        int d = 4 * bodies;
        _field = nn.Sequential(nn.Linear(d, hidden), nn.Tanh(), nn.Linear(hidden, hidden), nn.Tanh(), nn.Linear(hidden, hidden), nn.Tanh(), nn.Linear(hidden, d));
        _scale = tensor(Enumerable.Range(0, d).Select(k => k % 4 < 2 ? positionScale : velocityScale).ToArray(), dtype: ScalarType.Float64);
        RegisterComponents();
        this.to(ScalarType.Float64);
    }

    /// <summary>Bodies N.</summary>
    public int Bodies { get; }

    /// <summary>Steps forecast per call.</summary>
    public int Horizon { get; }

    /// <summary>Sample spacing.</summary>
    public double Step { get; }

    /// <summary>The learned field at states (…, 4N).</summary>
    /// <param name="state">States.</param>
    /// <returns>Their time derivatives.</returns>
    public Tensor Field(Tensor state) => FoldedField(state.device)(state);

    /// <summary>States after 1…<paramref name="steps"/> sample spacings.</summary>
    /// <param name="state">(B, 4N) starting states.</param>
    /// <param name="steps">Steps to integrate.</param>
    /// <returns>(B, steps, 4N).</returns>
    public Tensor Integrate(Tensor state, int steps)
    {
        var field = FoldedField(state.device);
        var times = Enumerable.Range(0, steps + 1).Select(i => i * Step).ToArray();
        return Rk4.Integrate((_, z) => field(z), state, times).narrow(0, 1, steps).permute(1, 0, 2);
    }

    /// <summary>
    /// z ↦ s ⊙ f(z / s) with the scales folded into the first layer's columns and the last layer's rows, once per call
    /// rather than at each of the 4 field evaluations of every RK4 step: the same function and gradients, two tensor
    /// ops fewer per evaluation (the field is small, so on a GPU its cost is the number of kernels).
    /// </summary>
    private Func<Tensor, Tensor> FoldedField(Device device)
    {
        var s = _scale.to(device);
        var layers = _field.children().OfType<Linear>().ToList();
        var first = layers[0].weight! / s;                                   // W₁ diag(1/s)
        var last = layers[^1].weight! * s.unsqueeze(1);                      // diag(s) W₄
        var lastBias = layers[^1].bias! * s;
        return z =>
        {
            var h = nn.functional.linear(z, first, layers[0].bias);
            for (int i = 1; i < layers.Count - 1; i++) h = layers[i].forward(h.tanh_());
            return nn.functional.linear(h.tanh_(), last, lastBias);
        };
    }

    /// <summary>Positions of the next <see cref="Horizon"/> steps.</summary>
    /// <param name="state">(B, 4N) the state at the last observed step.</param>
    /// <returns>(B, Horizon, N, 2).</returns>
    /// <exception cref="ArgumentException">The input's shape does not match the model.</exception>
    public override Tensor forward(Tensor state)
    {
        if (state.dim() != 2 || state.size(1) != 4 * Bodies)
            throw new ArgumentException($"states have shape [{string.Join(", ", state.shape)}]; the Neural ODE expects [B, {4 * Bodies}]");
        var z = Integrate(state, Horizon);
        return z.reshape(state.size(0), Horizon, Bodies, 4).narrow(-1, 0, 2);
    }
}

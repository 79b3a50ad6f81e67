using MechNN.Layers;
using MechNN.Ode;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MechNN.Experiments.DiscoveryTasks;

/// <summary>What the logistic model makes of a batch of trajectories.</summary>
/// <param name="Solution">u, the mechanistic solve's values (B, T).</param>
/// <param name="Denoised">v, the denoised trajectories (B, T).</param>
/// <param name="Parameters">(p₀, p₁, p₂) per trajectory (B, 3).</param>
public sealed record LogisticOutput(Tensor Solution, Tensor Denoised, Tensor Parameters);

/// <summary>
/// Per-trajectory parameter discovery for logistic growth: from a whole observed trajectory x, one network gives
/// (p₀, p₁, p₂) and another a denoised v = x + δ(x); the mechanistic part solves u' = p₀ + p₁v + p₂v² (coefficients
/// [0, 1, 0] on (u, u', u''), order 2 as the reference) from u(0) = v(0) with one learned step. For the true law
/// p₀ = 0, p₁ = r, p₂ = −r/K.
/// </summary>
/// <remarks>
/// The step and the p's share a gauge (scaling time by c scales every p by 1/c and leaves u on the grid unchanged), so the
/// step starts at the data's sample spacing; it is still learned, and its final value says how far the gauge drifted.
/// With normalisation each trajectory is divided by its largest |x| = s before either network sees it, the
/// solve runs on y = x/s, and u, v and p are mapped back exactly (p₀ = s·q₀, p₁ = q₁, p₂ = q₂/s): the networks no longer
/// have to learn the law's scale symmetry in K, so outputs are exactly equivariant to the trajectory's scale.
/// With log features (the default) the parameter network also sees ln max(x, 0.005): in the exponential phase ln x grows with slope r,
/// so r becomes a nearly linear function of the input, which an MLP extrapolates to rare (small or large) r.
/// </remarks>
public sealed class LogisticModel : nn.Module<Tensor, LogisticOutput>
{
    /// <summary>Below this the samples are mostly noise (σ = 1e-3), so their logarithm carries nothing.</summary>
    private const double LogFloor = 0.005;

    private readonly Sequential _parameterNet, _denoiser;
    private readonly LearnableSteps _step;
    private readonly MechanisticLayer _layer = new(new OdeSpec(2) { InitialSteps = 1, InitialOrders = 1, Epsilon = false }, LayerMode.Independent);

    /// <summary>A model for trajectories of <paramref name="points"/> samples.</summary>
    /// <param name="points">Samples per trajectory.</param>
    /// <param name="step">Initial step (the sample spacing), in (0, 1).</param>
    /// <param name="hidden">Hidden width of both networks.</param>
    /// <exception cref="ArgumentException">Fewer than two points, a hidden width below 1, or a step outside (0, 1).</exception>
    /// <param name="normalise">Scale each trajectory by its largest |x| before the networks see it (see the remarks).</param>
    /// <param name="logFeatures">Give the parameter network ln max(x, 0.005) beside x (see the remarks).</param>
    public LogisticModel(int points, double step, int hidden = 256, bool normalise = false, bool logFeatures = true) : base(nameof(LogisticModel))
    {
        if (points < 2 || hidden < 1) throw new ArgumentException($"the logistic model needs ≥ 2 points and a hidden width ≥ 1 (got {points}, {hidden})");
        if (!(step > 0 && step < 1)) throw new ArgumentException($"the step must lie in (0, 1) (got {step})");
        Points = points;
        Normalise = normalise;
        LogFeatures = logFeatures;
        _parameterNet = nn.Sequential(nn.Linear(logFeatures ? 2 * points : points, hidden), nn.ELU(), nn.Linear(hidden, hidden), nn.ELU(), nn.Linear(hidden, hidden), nn.ELU(), nn.Linear(hidden, 3));
        _denoiser = nn.Sequential(nn.Linear(points, hidden), nn.ELU(), nn.Linear(hidden, hidden), nn.ELU(), nn.Linear(hidden, points));
        _step = new LearnableSteps(new long[] { 1 }, step, minimum: step / 10, dtype: ScalarType.Float64);
        RegisterComponents();
        this.to(ScalarType.Float64);
    }

    /// <summary>Samples per trajectory.</summary>
    public int Points { get; }

    /// <summary>Whether each trajectory is scaled by its largest |x| before the networks see it.</summary>
    public bool Normalise { get; }

    /// <summary>Whether the parameter network also sees ln max(x, 0.005).</summary>
    public bool LogFeatures { get; }

    /// <summary>The current learned step.</summary>
    public double Step { get { using var g = no_grad(); return _step.Value().item<double>(); } }

    /// <summary>Runs the model on observed trajectories.</summary>
    /// <param name="x">(B, T) observed trajectories.</param>
    /// <returns>u, v and the parameters.</returns>
    /// <exception cref="ArgumentException">The input is not (B, <see cref="Points"/>).</exception>
    public override LogisticOutput forward(Tensor x)
    {
        if (x.dim() != 2 || x.size(1) != Points) throw new ArgumentException($"trajectories have shape [{string.Join(", ", x.shape)}]; the model expects [B, {Points}]");
        // y = x/s obeys y' = q₀ + q₁y + q₂y² with q₀ = p₀/s, q₁ = p₁, q₂ = p₂·s: the networks and the solve work on y,
        // whose range no longer depends on K, and the scale goes back in exactly.
        var s = Normalise ? x.abs().amax(new long[] { 1 }, keepdim: true).clamp_min(1e-12).detach() : ones(x.size(0), 1, dtype: x.dtype, device: x.device);
        var y = x / s;
        var q = _parameterNet.forward(LogFeatures ? cat(new[] { y, y.clamp_min(LogFloor).log() }, 1) : y);
        var vy = y + _denoiser.forward(y);
        var rhs = q.narrow(1, 0, 1) + q.narrow(1, 1, 1) * vy + q.narrow(1, 2, 1) * vy.square();
        var uy = Solve(rhs, vy.narrow(1, 0, 1));
        var p = cat(new[] { q.narrow(1, 0, 1) * s, q.narrow(1, 1, 1), q.narrow(1, 2, 1) / s }, 1);
        return new LogisticOutput(uy * s, vy * s, p);
    }

    /// <summary>
    /// The parameters that fit each trajectory best through this model's own solve: with v (the denoiser's output) and the
    /// learned step held fixed, u is linear in (p₀, p₁, p₂) — u = p₀·S(1) + p₁·S(v) + p₂·S(v²) + S₀(v(0)), S the solve with
    /// that right-hand side and a zero initial value, S₀ the free solution from v(0) — so min Σₜ (u − x)² over p is one
    /// 3-column least-squares problem per trajectory, solved exactly (no iterations, no start value). This is a test-time
    /// step on the observed trajectory alone (no labels): the network's v and step, the solver's least squares in p.
    /// </summary>
    /// <param name="x">(B, T) observed trajectories.</param>
    /// <returns>(B, 3) refined (p₀, p₁, p₂), in the solver's time units like <see cref="LogisticOutput.Parameters"/>.</returns>
    public Tensor RefinedParameters(Tensor x)
    {
        using var noGrad = no_grad();
        return RefinedParameters(x, forward(x).Denoised);
    }

    /// <summary><see cref="RefinedParameters(Tensor)"/> from a denoised <paramref name="v"/> already at hand (no gradient flows).</summary>
    /// <param name="x">(B, T) observed trajectories.</param>
    /// <param name="v">(B, T) their denoised values.</param>
    /// <returns>(B, 3) refined (p₀, p₁, p₂) in the solver's time units.</returns>
    public Tensor RefinedParameters(Tensor x, Tensor v)
    {
        using var noGrad = no_grad();
        long b = x.size(0), t = x.size(1);
        // Four solves per trajectory in one batch: right-hand sides 1, v, v² with u(0) = 0, and 0 with u(0) = v(0).
        var rhs = cat(new[] { ones_like(v), v, v.square(), zeros_like(v) }, 0);
        var initial = cat(new[] { zeros(3 * b, 1, dtype: x.dtype, device: x.device), v.narrow(1, 0, 1) }, 0);
        var u = Solve(rhs, initial).reshape(4, b, t);
        var design = u.narrow(0, 0, 3).permute(1, 2, 0);                 // (B, T, 3)
        var target = (x - u[3]).unsqueeze(-1);                            // (B, T, 1)
        return linalg.lstsq(design, target).Solution.squeeze(-1);
    }

    /// <summary>u' = rhs from u(0) = <paramref name="initial"/> (B, 1) over the learned step: (B, T).</summary>
    private Tensor Solve(Tensor rhs, Tensor initial)
    {
        var coefficients = tensor(new[] { 0.0, 1, 0 }, dtype: rhs.dtype, device: rhs.device).expand(rhs.size(0), Points, 3);
        return _layer.forward(coefficients, rhs, initial.unsqueeze(-1), _step.Value().expand(rhs.size(0), 1)).U.select(-1, 0);
    }
}

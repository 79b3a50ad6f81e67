using MechNN.Layers;
using MechNN.Ode;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Experiments.Darcy.Models;

/// <summary>
/// The mechanistic step of a Darcy MNN block: per batch member, channel and coarse pixel, the head's numbers define one
/// constant-coefficient linear ODE of order R in pseudo-time, u⁽ᴿ⁾ + Σ_{i&lt;R} cᵢ u⁽ⁱ⁾ = b with u⁽ⁱ⁾(0) given for i &lt; R
/// and a uniform step h, and all of them are solved in ONE batched call of <see cref="MechanisticLayer"/> (float64 inside,
/// float32 out). The T values u(t₀ … t_{T−1}) are the trajectory. The leading coefficient is fixed at 1 and the others are
/// softplus-positive (for order 2 exactly the Routh–Hurwitz condition: every member is a damped, stable oscillator), because
/// raw coefficients let a member blow up over 30 steps and the network then collapses to the mean prediction (seen in
/// training). h = h_min + (h_max − h_min)·sigmoid(raw) keeps the step positive and bounded (h_min = 0.005, h_max = 0.2;
/// the raw value 0 gives h ≈ 0.1).
/// </summary>
public sealed class OdeTrajectory : nn.Module<Tensor, Tensor>
{
    private const double MinStep = 0.005, MaxStep = 0.2;
    private readonly MechanisticLayer _solve;

    /// <summary>A trajectory of <paramref name="steps"/> points of an order-<paramref name="order"/> ODE.</summary>
    /// <param name="order">ODE order R ≥ 1.</param>
    /// <param name="steps">Trajectory length T ≥ 2.</param>
    /// <exception cref="ArgumentException">Order or steps out of range.</exception>
    public OdeTrajectory(int order, int steps) : base(nameof(OdeTrajectory))
    {
        if (order < 1 || steps < 2) throw new ArgumentException($"an ODE trajectory needs order ≥ 1 and ≥ 2 steps (got order {order}, {steps} steps)");
        Order = order;
        Steps = steps;
        _solve = new MechanisticLayer(new OdeSpec(order) { InitialSteps = 1, InitialOrders = order });
        RegisterComponents();
    }

    /// <summary>ODE order R.</summary>
    public int Order { get; }

    /// <summary>Trajectory length T.</summary>
    public int Steps { get; }

    /// <summary>Numbers the head must give per member: R raw coefficients c₀ … c_{R−1}, the rhs, R initial values, the raw step.</summary>
    /// <param name="order">ODE order R.</param>
    /// <returns>2R + 2.</returns>
    public static int ParametersPerMember(int order) => 2 * order + 2;

    /// <summary>The coefficients (…, R+1) of every Darcy ODE from the head's R raw numbers: softplus-positive lower ones and a leading one.</summary>
    /// <param name="raw">(…, R) head outputs.</param>
    /// <returns>(…, R+1) coefficients c₀ … c_{R−1}, 1.</returns>
    internal static Tensor CoefficientsFromRaw(Tensor raw)
    {
        var lower = nn.functional.softplus(raw);
        return cat(new[] { lower, ones_like(lower.narrow(-1, 0, 1)) }, -1);
    }

    /// <summary>The step size h = h_min + (h_max − h_min)·sigmoid(raw) of every Darcy ODE (pseudo-time or along space).</summary>
    /// <param name="raw">Head outputs.</param>
    /// <returns>Steps in (0.005, 0.2).</returns>
    internal static Tensor StepFromRaw(Tensor raw) => MinStep + (MaxStep - MinStep) * sigmoid(raw);

    /// <summary>Solves every member's ODE.</summary>
    /// <param name="parameters">(N, C, P, H, W) head outputs, P = <see cref="ParametersPerMember"/>.</param>
    /// <returns>(N, C, T, H, W) trajectories.</returns>
    public override Tensor forward(Tensor parameters)
    {
        int r = Order;
        var p = parameters.permute(0, 1, 3, 4, 2);                      // (N, C, H, W, P): one ODE per leading index
        var lead = p.shape[..^1];
        long[] Shape(params long[] tail) => lead.Concat(tail).ToArray();
        var coefficients = CoefficientsFromRaw(p.narrow(-1, 0, r)).reshape(Shape(1, 1, 1, r + 1));
        var rhs = p.narrow(-1, r, 1).reshape(Shape(1, 1));
        var initial = p.narrow(-1, r + 1, r).reshape(Shape(1, 1, r));
        var step = StepFromRaw(p.narrow(-1, 2 * r + 1, 1)).expand(Shape(Steps - 1));
        var u = _solve.forward(coefficients, rhs, initial, step).Values.squeeze(-1); // (N, C, H, W, T)
        return u.permute(0, 1, 4, 2, 3);
    }
}

using MechNN.Layers;
using MechNN.Ode;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Experiments.Darcy.Models;

/// <summary>
/// The mechanistic step of a Darcy MNN block with the ODE's independent variable along <b>space</b>: every line of the
/// coarse L×L map is one ODE of order R whose step i sits at pixel i of the line, u⁽ᴿ⁾ + Σ_{k&lt;R} cₖ(i) u⁽ᵏ⁾ = b(i),
/// with per-pixel coefficients (softplus-positive, leading one) and rhs, initial values from the line's first pixel and
/// learnable per-step sizes h(i) ∈ (0.005, 0.2) (<see cref="OdeTrajectory.StepFromRaw"/>). The channels are split in four groups that run left→right,
/// right→left, top→bottom and bottom→top, so after one block every coarse pixel has seen its whole row and column and
/// after two the whole field (a Darcy solution depends on all of a). All four directions are one batched solve.
/// The outputs per channel are u and u′ along the line, put back at their pixels: (N, C, 2, L, L).
/// Why: the pseudo-time reading (<see cref="OdeTrajectory"/>) mixes space only through convolutions and ends ≈ 3× behind
/// the FNO (docs/results/darcy.md); a spatial ODE is a learned 1-D Green's function along each line.
/// </summary>
public sealed class LineOdeTrajectory : nn.Module<Tensor, Tensor>
{
    private readonly MechanisticLayer _solve;

    /// <summary>Values per channel and pixel the module returns (u and u′).</summary>
    public const int Outputs = 2;

    /// <summary>Line ODEs of order <paramref name="order"/>.</summary>
    /// <param name="order">ODE order R ≥ 2 (u′ is an output).</param>
    /// <exception cref="ArgumentException">Order below 2.</exception>
    public LineOdeTrajectory(int order) : base(nameof(LineOdeTrajectory))
    {
        if (order < 2) throw new ArgumentException($"a line ODE needs order ≥ 2 to return u and u′ (got order {order})");
        Order = order;
        _solve = new MechanisticLayer(new OdeSpec(order) { InitialSteps = 1, InitialOrders = order });
        RegisterComponents();
    }

    /// <summary>ODE order R.</summary>
    public int Order { get; }

    /// <summary>Solves every line's ODE.</summary>
    /// <param name="parameters">(N, C, P, L, L) head outputs, C divisible by 4, P = <see cref="OdeTrajectory.ParametersPerMember"/> (the initial values are read at a line's first pixel, each step to the next pixel).</param>
    /// <returns>(N, C, 2, L, L): u and u′ at every pixel.</returns>
    /// <exception cref="ArgumentException">A map that is not square, or C not divisible by 4.</exception>
    public override Tensor forward(Tensor parameters)
    {
        if (parameters.dim() != 5 || parameters.shape[3] != parameters.shape[4] || parameters.shape[1] % 4 != 0)
            throw new ArgumentException($"line ODEs need (N, C, P, L, L) with C divisible by 4 (got [{string.Join(", ", parameters.shape)}])");
        int r = Order;
        var p = Orient(parameters, inverse: false).permute(0, 1, 3, 4, 2);  // (N, C, line, step, P)
        var coefficients = OdeTrajectory.CoefficientsFromRaw(p.narrow(-1, 0, r)).unsqueeze(-2).unsqueeze(-2); // (…, T, 1, 1, R+1)
        var rhs = p.narrow(-1, r, 1);                                        // (…, T, 1)
        var initial = p.narrow(-2, 0, 1).narrow(-1, r + 1, r).unsqueeze(-2); // (…, 1, 1, R)
        long steps = p.shape[3];
        var h = OdeTrajectory.StepFromRaw(p.narrow(-2, 0, steps - 1).select(-1, 2 * r + 1)); // (…, T−1)
        var u = _solve.forward(coefficients, rhs, initial, h).U.select(-2, 0).narrow(-1, 0, Outputs); // (N, C, line, step, 2)
        return Orient(u.permute(0, 1, 4, 2, 3), inverse: true);
    }

    /// <summary>
    /// Turns each quarter of the channels so that its ODE runs along the last axis from index 0 (or back): identity,
    /// flipped columns, transposed, transposed and flipped.
    /// </summary>
    private static Tensor Orient(Tensor x, bool inverse)
    {
        var g = x.chunk(4, 1);
        return cat(new[]
        {
            g[0],
            g[1].flip(-1),
            g[2].transpose(-1, -2),
            inverse ? g[3].flip(-1).transpose(-1, -2) : g[3].transpose(-1, -2).flip(-1),
        }, 1);
    }
}

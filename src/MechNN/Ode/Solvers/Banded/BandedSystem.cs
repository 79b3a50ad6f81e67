using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Ode.Solvers.Banded;

/// <summary>
/// The normal equations M x = r of a batch in block form: T diagonal blocks of size n = D·(R+1), the first
/// sub-diagonal (M_{t+1,t}) and, with central rows, the second (M_{t+2,t}); optionally bordered by the ε variable:
/// M = [[Corner, Borderᵀ], [Border, banded]], right-hand side [RhsEps, Rhs].
/// </summary>
internal sealed record BandedSystem(
    Tensor Diag,      // (B, T, n, n)
    Tensor Sub1,      // (B, T−1, n, n)
    Tensor? Sub2,     // (B, T−2, n, n) or null
    Tensor Rhs,       // (B, T, n)
    Tensor? Border,   // (B, T, n) or null without ε
    double Corner,    // M_εε
    double RhsEps)    // γα
{
    public int Steps => (int)Diag.size(1);
    public long BlockSize => Diag.size(2);

    /// <summary>Jacobi scaling s = diag(M)^(−1/2) of the banded part, (B, T, n).</summary>
    public Tensor JacobiScale()
    {
        var d = Diag.diagonal(0, -2, -1);
        return torch.where(d > 0, d.rsqrt(), ones_like(d));
    }

    /// <summary>S·M·S with S = diag(scale): the scaled system has a unit diagonal (ε itself is not scaled).</summary>
    public BandedSystem Scaled(Tensor scale)
    {
        var col = scale.unsqueeze(-1);
        var row = scale.unsqueeze(-2);
        int T = Steps;
        var sub1 = col.narrow(1, 1, T - 1) * Sub1 * row.narrow(1, 0, T - 1);
        var sub2 = Sub2 is null ? null : col.narrow(1, 2, T - 2) * Sub2 * row.narrow(1, 0, T - 2);
        return this with { Diag = col * Diag * row, Sub1 = sub1, Sub2 = sub2, Rhs = scale * Rhs, Border = Border is null ? null : scale * Border };
    }
}

using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Ode.Solvers.Banded;

/// <summary>
/// Factorisation of the whole normal matrix: the Jacobi-scaled banded part by a <see cref="BandedFactorisation"/>
/// (<see cref="BlockCholesky"/>, sequential in time, or <see cref="CyclicReduction"/>, parallel in time), and the ε
/// border by a Schur complement (two banded solves, the second — A⁻¹m — done once here and reused by every solve).
/// Solving: z = A⁻¹r, ε = (r_ε − mᵀz)/(c − mᵀA⁻¹m), u = z − ε·A⁻¹m. A factor of one system (batch 1) solves a whole
/// batch of right-hand sides, as the columns of one multi-right-hand-side substitution.
/// </summary>
internal sealed class BorderedFactor
{
    private readonly IBandedFactorisation _banded;
    private readonly Tensor _scale;        // (B, T, n)
    private readonly Tensor? _scaledBorder; // s∘m, (B, T, n)
    private readonly Tensor? _borderSolve;  // A'⁻¹(s∘m), (B, T, n)
    private readonly Tensor? _schur;        // c − mᵀA⁻¹m, (B)

    public BorderedFactor(BandedSystem system, OdeProblem problem, BandedFactorisation factorise)
    {
        _scale = system.JacobiScale();
        var scaled = system.Scaled(_scale);
        _banded = factorise(scaled.Diag, scaled.Sub1, scaled.Sub2);
        Wellposedness.Check(problem, _banded.Info, _banded.MinPivot);
        if (scaled.Border is null) return;
        _scaledBorder = scaled.Border;
        _borderSolve = _banded.Solve(_scaledBorder.unsqueeze(-1)).squeeze(-1);
        _schur = system.Corner - (_scaledBorder * _borderSolve).sum(new long[] { 1, 2 });
        // The Schur complement of an SPD matrix is positive; relative to the corner it is a pivot like the others.
        Wellposedness.CheckSchur(_schur / system.Corner, problem.BatchShape);
    }

    public IEnumerable<Tensor> Retained() =>
        _banded.Retained().Append(_scale).Concat(new[] { _scaledBorder, _borderSolve, _schur }.OfType<Tensor>());

    /// <summary>Solves M [x_ε; x_u] = [r_ε; r_u] for r_u (B, T, n) and r_ε (B) (ignored without ε).</summary>
    public (Tensor U, Tensor? Eps) Solve(Tensor rhsU, Tensor? rhsEps)
    {
        if (_scale.size(0) == 1 && rhsU.size(0) != 1)
        {
            // One factor for all members: members become right-hand-side columns.
            var (uc, ec) = SolveColumns(rhsU.permute(1, 2, 0).unsqueeze(0), rhsEps?.unsqueeze(0));
            return (uc.squeeze(0).permute(2, 0, 1), ec?.squeeze(0));
        }
        var (u, eps) = SolveColumns(rhsU.unsqueeze(-1), rhsEps?.unsqueeze(-1));
        return (u.squeeze(-1), eps?.squeeze(-1));
    }

    /// <summary>Several right-hand sides at once: r_u (B, T, n, k), r_ε (B, k).</summary>
    public (Tensor U, Tensor? Eps) SolveColumns(Tensor rhsU, Tensor? rhsEps)
    {
        var scale = _scale.unsqueeze(-1);
        var y = _banded.Solve(scale * rhsU);
        if (_schur is null) return (scale * y, null);
        var eps = (rhsEps! - (_scaledBorder!.unsqueeze(-1) * y).sum(new long[] { 1, 2 })) / _schur.unsqueeze(-1);
        var u = scale * (y - eps.unsqueeze(1).unsqueeze(1) * _borderSolve!.unsqueeze(-1));
        return (u, eps);
    }
}

using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Ode.Solvers.Banded;

/// <summary>
/// A problem factorised and solved with batched torch ops (the <see cref="BandedBackend.TorchSequential"/> and
/// <see cref="BandedBackend.CyclicReduction"/> backends, and solves with a <see cref="FrozenOde"/>'s factor): the
/// bordered factor, the row algebra and the solution, kept for the backward, which reuses the factor for one more
/// (refined) solve, λ = M⁻¹g, then forms the input gradients row-wise (<see cref="BandedGradients"/>).
/// Refinement: x += M⁻¹·(residual computed from the rows), which recovers the accuracy that the normal equations lose
/// (their condition number is the square of the rows').
/// </summary>
internal sealed class TorchSystem : IFactorisedSystem
{
    private readonly OdeProblem _p;
    private readonly BorderedFactor _factor;
    private readonly RowAlgebra _rows;
    private readonly int _refinements;
    private readonly Tensor _u, _eps;

    /// <summary>Solves from the first right-hand side (r_u (B, T, n) or shaped as U, r_ε (B) or shaped as ε), then refines.</summary>
    private TorchSystem(OdeProblem p, BorderedFactor factor, RowAlgebra rows, int refinements, Tensor rhsU, Tensor rhsEps)
    {
        (_p, _factor, _rows, _refinements) = (p, factor, rows, refinements);
        (_u, _eps) = RefinedSolve(rhsU, rhsEps, rows.Residual);
        Wellposedness.CheckFinite(_u.reshape(p.BatchSize, -1), p.BatchShape);
    }

    /// <summary>Assembles the block-banded normal equations, factorises them with <paramref name="factorisation"/> and solves.</summary>
    /// <exception cref="IllPosedSystemException">Some member's normal matrix is singular, or its solution not finite.</exception>
    public static TorchSystem Factorise(OdeProblem p, int refinements, BandedFactorisation factorisation)
    {
        // Temporaries die with this scope; only the factorisation, the row data and the solution leave it.
        using var scope = NewDisposeScope();
        var system = BandedAssembler.Assemble(p);
        var factor = new BorderedFactor(system, p, factorisation);
        var rhsEps = full(p.BatchSize, system.RhsEps, dtype: system.Rhs.dtype, device: system.Rhs.device);
        var solved = new TorchSystem(p, factor, new RowAlgebra(p), refinements, system.Rhs, rhsEps);
        foreach (var kept in factor.Retained().Concat(solved.Retained())) kept.MoveToOuterDisposeScope();
        return solved;
    }

    /// <summary>
    /// Solves with a factor made earlier (by a <see cref="FrozenOde"/>, which owns it). Its right-hand side is not
    /// assembled: the first solve takes the residual of the rows at zero, AᵀW²β + γα e_ε.
    /// </summary>
    public static TorchSystem WithFactor(OdeProblem p, BorderedFactor factor, int refinements)
    {
        using var scope = NewDisposeScope();
        var rows = new RowAlgebra(p);
        var zeroX = zeros(p.SolutionShape, dtype: p.Coefficients.dtype, device: p.Coefficients.device);
        var (rhsU, rhsEps) = rows.Residual(zeroX, zeros(p.BatchShape, dtype: zeroX.dtype, device: zeroX.device));
        var solved = new TorchSystem(p, factor, rows, refinements, rhsU, rhsEps);
        foreach (var kept in solved.Retained()) kept.MoveToOuterDisposeScope();
        return solved;
    }

    /// <summary>The row data and the solution (the factor's tensors are retained by its owner).</summary>
    private IEnumerable<Tensor> Retained() => _rows.Retained().Append(_u).Append(_eps);

    public (Tensor U, Tensor Eps) Solve() => (_u, _eps);

    public InputGradients Backward(Tensor gU, Tensor gEps, bool[] needs)
    {
        using var scope = NewDisposeScope();
        var (lambda, lambdaEps) = RefinedSolve(gU, gEps, (v, ve) => _rows.AdjointResidual(v, ve, gU, gEps));
        var grad = new BandedGradients(_rows, _u, _eps, lambda, lambdaEps);
        Tensor? Out(bool need, Func<Tensor> make) => need ? make().MoveToOuterDisposeScope() : null;
        return new InputGradients(Out(needs[0], grad.Coefficients), Out(needs[1], grad.Rhs), Out(needs[2], grad.InitialValues), Out(needs[3], grad.Steps));
    }

    /// <summary>Solves, then refines with residuals from <paramref name="residual"/>; returns full-batch shapes.</summary>
    private (Tensor X, Tensor Eps) RefinedSolve(Tensor rhsU, Tensor rhsEps, Func<Tensor, Tensor, (Tensor, Tensor)> residual)
    {
        var p = _p;
        var (u, e) = _factor.Solve(rhsU.reshape(p.BatchSize, p.StepCount, -1), rhsEps.reshape(-1));
        var x = u.reshape(p.SolutionShape);
        var eps = (e ?? zeros(p.BatchSize, dtype: u.dtype, device: u.device)).reshape(p.BatchShape);
        for (int k = 0; k < _refinements; k++)
        {
            var (rx, re) = residual(x, eps);
            var (du, de) = _factor.Solve(rx.reshape(p.BatchSize, p.StepCount, -1), re.reshape(-1));
            x = x + du.reshape(p.SolutionShape);
            if (de is not null) eps = eps + de.reshape(p.BatchShape);
        }
        return (x, eps);
    }
}

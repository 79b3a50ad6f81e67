using MechNN.Ode;
using MechNN.Ode.Solvers;
using MechNN.Ode.Solvers.Banded;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Layers;

/// <summary>
/// The mechanistic block as a module: a network produces the coefficients, right-hand side, initial values and steps
/// of a batch of linear ODEs; this layer solves them differentiably and returns u with all its derivatives and ε.
/// The solve runs in float64 (the conditioning of the h^i-scaled rows needs it); outputs come back in the dtype of
/// the coefficients, so float32 networks work unchanged.
/// </summary>
public sealed class MechanisticLayer : nn.Module<Tensor, Tensor, Tensor?, Tensor, OdeSolution>
{
    /// <summary>The ODE family every forward call solves.</summary>
    public OdeSpec Spec { get; }
    /// <summary>How the batch axes map onto ODE members.</summary>
    public LayerMode Mode { get; }
    /// <summary>The solver (the banded solver by default).</summary>
    public IOdeSolver Solver { get; }
    /// <summary>Arithmetic type of the solve (float64 by default; outputs return in the coefficients' dtype).</summary>
    public ScalarType SolveType { get; init; } = ScalarType.Float64;

    /// <summary>A layer solving ODEs of <paramref name="spec"/>.</summary>
    /// <param name="spec">Order, dimensions, equations, initial rows and options.</param>
    /// <param name="mode">Independent (batches of scalar ODEs) or Coupled (systems).</param>
    /// <param name="solver">Overrides the default banded solver.</param>
    /// <exception cref="ArgumentException">Independent mode with a spec that is not scalar, or an invalid spec.</exception>
    public MechanisticLayer(OdeSpec spec, LayerMode mode = LayerMode.Coupled, IOdeSolver? solver = null) : base(nameof(MechanisticLayer))
    {
        if (mode == LayerMode.Independent && (spec.Dims != 1 || spec.Equations != 1))
            throw new ArgumentException($"Independent mode solves scalar ODEs: the spec must have Dims = Equations = 1 (got {spec.Dims}, {spec.Equations}).");
        Spec = spec.Validated();
        Mode = mode;
        Solver = solver ?? new BandedSolver();
    }

    /// <param name="initialValues">Null when the spec has no initial steps.</param>
    public override OdeSolution forward(Tensor coefficients, Tensor rhs, Tensor? initialValues, Tensor steps)
    {
        var outType = coefficients.dtype;
        Tensor Cast(Tensor x) => x.dtype == SolveType ? x : x.to_type(SolveType);
        var c = Cast(coefficients);
        var b = Cast(rhs);
        var iv = initialValues is null ? null : Cast(initialValues);
        if (Mode == LayerMode.Independent)
        {
            RequireRank(coefficients, "coefficients", 2, "(…, T, R+1)");
            RequireRank(rhs, "rhs", 1, "(…, T)");
            c = c.unsqueeze(-2).unsqueeze(-2);
            b = b.unsqueeze(-1);
            if (iv is not null) { RequireRank(iv, "initialValues", 2, "(…, S, k)"); iv = iv.unsqueeze(-2); }
        }
        var solution = OdeSolve.Solve(Spec, c, b, iv, Cast(steps), Solver);
        var u = Mode == LayerMode.Independent ? solution.U.squeeze(-2) : solution.U;
        return new OdeSolution(u.to_type(outType), solution.Epsilon.to_type(outType));
    }

    private static void RequireRank(Tensor x, string name, int rank, string expected)
    {
        if (x.dim() < rank) throw new OdeInputException($"{name} has shape {OdeProblem.Fmt(x.shape)}; independent mode expects {expected}.");
    }
}

using MechNN.Ode.Solvers;
using MechNN.Ode.Solvers.Banded;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Ode;

/// <summary>The one entry point: validate the inputs and solve with a strategy (the banded solver unless told otherwise).</summary>
public static class OdeSolve
{
    public static OdeSolution Solve(OdeSpec spec, Tensor coefficients, Tensor rhs, Tensor? initialValues, Tensor steps,
        IOdeSolver? solver = null, int? stepCount = null) =>
        (solver ?? new BandedSolver()).Solve(OdeProblem.Create(spec, coefficients, rhs, initialValues, steps, stepCount));
}

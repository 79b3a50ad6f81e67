using MechNN.Ode.Solvers;
using MechNN.Ode.Solvers.Banded;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Ode;

/// <summary>The one entry point: validate the inputs and solve with a strategy (the banded solver unless told otherwise).</summary>
public static class OdeSolve
{
    /// <summary>Solves Σᵢ cᵢ(t) u⁽ⁱ⁾(t) = b(t) for every member of the batch, differentiably in all four inputs.</summary>
    /// <param name="spec">Order, dimensions, equations, initial rows and options (<see cref="OdeSpec.Mnn"/>, <see cref="OdeSpec.Smnn"/>).</param>
    /// <param name="coefficients">(…, T|1, E|1, D, R+1).</param>
    /// <param name="rhs">(…, T|1, E|1).</param>
    /// <param name="initialValues">(…, S|1, D, k); null when the spec has no initial steps.</param>
    /// <param name="steps">(…, T−1|1), positive.</param>
    /// <param name="solver">The strategy; the banded solver (backend chosen by device) when null.</param>
    /// <param name="stepCount">T, when no input has a full step axis.</param>
    /// <returns>u and its derivatives at every step, and ε.</returns>
    /// <exception cref="OdeInputException">A shape, dtype or value is wrong; names the tensor, expected shape and batch member.</exception>
    /// <exception cref="IllPosedSystemException">Some members have no unique solution; lists them.</exception>
    public static OdeSolution Solve(OdeSpec spec, Tensor coefficients, Tensor rhs, Tensor? initialValues, Tensor steps,
        IOdeSolver? solver = null, int? stepCount = null) =>
        (solver ?? new BandedSolver()).Solve(OdeProblem.Create(spec, coefficients, rhs, initialValues, steps, stepCount));
}

using static TorchSharp.torch;
namespace MechNN.Ode.Solvers;

/// <summary>A strategy that solves a validated batch of ODE problems, differentiably with respect to all four inputs.</summary>
public interface IOdeSolver
{
    /// <summary>Solves every member of a validated problem.</summary>
    /// <param name="problem">Inputs checked by <see cref="OdeProblem.Create(OdeSpec, Tensor, Tensor, Tensor?, Tensor, int?)"/>.</param>
    /// <returns>u, its derivatives and ε.</returns>
    /// <exception cref="IllPosedSystemException">Some members have no unique solution.</exception>
    OdeSolution Solve(OdeProblem problem);
}

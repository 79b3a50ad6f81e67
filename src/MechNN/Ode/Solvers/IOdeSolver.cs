namespace MechNN.Ode.Solvers;

/// <summary>A strategy that solves a validated batch of ODE problems, differentiably with respect to all four inputs.</summary>
public interface IOdeSolver
{
    OdeSolution Solve(OdeProblem problem);
}

using static TorchSharp.torch;

namespace MechNN.Ode.Solvers;

/// <summary>
/// A batch of ODE problems factorised by one banded backend (torch ops, the fused CPU kernel, the CUDA kernels, or a
/// frozen left-hand side) and kept between forward and backward by <see cref="BandedSolveFunction"/>. Made by the
/// factory of a <see cref="Banded.BandedSolver"/> backend; ill-posed members surface as an
/// <see cref="IllPosedSystemException"/> from that factory or from the first <see cref="Solve"/>.
/// </summary>
internal interface IFactorisedSystem
{
    /// <summary>The solution (refined): U (…, T, D, R+1) and ε (…), in the problem's dtype.</summary>
    (Tensor U, Tensor Eps) Solve();

    /// <summary>λ = M⁻¹·(∂L/∂U, ∂L/∂ε) (refined), then the gradients of the inputs that <paramref name="needs"/> asks for.</summary>
    /// <param name="gU">∂L/∂U, shaped as U.</param>
    /// <param name="gEps">∂L/∂ε, shaped as ε.</param>
    /// <param name="needs">Whether coefficients, rhs, initial values and steps (in that order) require gradients.</param>
    /// <returns>The gradients in the inputs' own shapes and dtypes; null where not needed.</returns>
    InputGradients Backward(Tensor gU, Tensor gEps, bool[] needs);
}

/// <summary>Gradients of a loss with respect to the four inputs of an <see cref="OdeProblem"/> (null: not asked for).</summary>
internal sealed record InputGradients(Tensor? Coefficients, Tensor? Rhs, Tensor? InitialValues, Tensor? Steps);

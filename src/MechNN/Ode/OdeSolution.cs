using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Ode;

/// <summary>Solution of a batch of ODE problems.</summary>
/// <param name="U">(…, T, D, R+1): u and its derivatives 0..R at every step.</param>
/// <param name="Epsilon">(…): the MNN slack per system (zeros when the spec has no ε).</param>
public sealed record OdeSolution(Tensor U, Tensor Epsilon)
{
    /// <summary>The i-th derivative, shape (…, T, D).</summary>
    public Tensor Derivative(int order) => U.select(-1, order);

    /// <summary>u itself, shape (…, T, D).</summary>
    public Tensor Values => Derivative(0);
}

using static TorchSharp.torch;

namespace MechNN.Discovery;

/// <summary>
/// A known outer function g of u' = g(Θ(x)ξ) (paper §5.1), with its inverse for the least-squares start. Only the
/// built-in ones (<see cref="Named"/>) can be saved in a model file; a user's own works in memory.
/// </summary>
/// <param name="name">How equations print it: "tanh" gives "(x0)' = tanh(…)".</param>
/// <param name="apply">g on one value (predict, simulate).</param>
/// <param name="applyTensor">g on a tensor, differentiable (training through the solver).</param>
/// <param name="inverse">g⁻¹ on raw derivative estimates; clip them into g's range.</param>
public sealed class OuterFunction(string name, Func<double, double> apply, Func<Tensor, Tensor> applyTensor, Func<double, double> inverse)
{
    /// <summary>The name equations and model files use.</summary>
    public string Name { get; } = name;
    /// <summary>g(v).</summary>
    public Func<double, double> Apply { get; } = apply;
    /// <summary>g on a tensor, differentiable.</summary>
    public Func<Tensor, Tensor> ApplyTensor { get; } = applyTensor;
    /// <summary>g⁻¹(v), clipped into g's range.</summary>
    public Func<double, double> Inverse { get; } = inverse;

    /// <summary>tanh, with atanh clipped to ±0.999999.</summary>
    public static OuterFunction Tanh { get; } = new("tanh", Math.Tanh, v => v.tanh(), v => Math.Atanh(Math.Clamp(v, -0.999999, 0.999999)));

    /// <summary>The built-in function of this name, or null.</summary>
    public static OuterFunction? Named(string name) => name == Tanh.Name ? Tanh : null;
}

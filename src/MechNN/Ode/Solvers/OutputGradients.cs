using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Ode.Solvers;

/// <summary>The incoming gradients of a solve's two outputs (U, ε), with unused outputs materialised as zeros.</summary>
internal static class OutputGradients
{
    public static (Tensor U, Tensor Eps) Read(List<Tensor> grads, Tensor u, Tensor eps) => (
        grads.Count > 0 && grads[0] is { } gu && !gu.IsInvalid ? gu.reshape(u.shape) : zeros_like(u),
        grads.Count > 1 && grads[1] is { } ge && !ge.IsInvalid ? ge.reshape(eps.shape) : zeros_like(eps));
}

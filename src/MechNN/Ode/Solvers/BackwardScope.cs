using static TorchSharp.torch;

namespace MechNN.Ode.Solvers;

/// <summary>
/// Runs a custom autograd backward so that it frees what it allocates. For CUDA tensors libtorch calls backward on its
/// device thread, where none of the caller's dispose scopes exists: every tensor made there (an adjoint solve's
/// buffers, about as large as the forward's) would otherwise live until a finalizer ran, and device memory filled
/// within one epoch (the Darcy MNN: 140 GiB on an H200). The body runs in a scope of its own and the incoming
/// gradients' wrappers are released after it. The returned gradients must outlive the call (libtorch copies its
/// reference to them right after it returns, on the same thread), so their wrappers are released at the start of the
/// next backward on that thread: at most one call's gradients wait per thread.
/// </summary>
internal static class BackwardScope
{
    [ThreadStatic] private static List<Tensor>? _returnedBefore;

    public static List<Tensor> Run(List<Tensor> grads, Func<List<Tensor>> body)
    {
        if (_returnedBefore is { } previous)
        {
            foreach (var t in previous) t.Dispose();
            _returnedBefore = null;
        }
        List<Tensor> result;
        using (NewDisposeScope())
        {
            result = body();
            foreach (var t in result) t?.DetachFromDisposeScope();
        }
        foreach (var t in grads) t?.Dispose();
        _returnedBefore = result.Where(t => t is not null).ToList();
        return result;
    }
}

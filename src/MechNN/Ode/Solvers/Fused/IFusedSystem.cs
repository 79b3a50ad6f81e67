using static TorchSharp.torch;

namespace MechNN.Ode.Solvers.Fused;

/// <summary>
/// A factorised batch of banded systems held between forward and backward by one fused kernel (CPU:
/// <see cref="FusedSystem"/>, GPU: <see cref="Cuda.CudaSystem"/>); both compute exactly the same quantities.
/// </summary>
internal interface IFusedSystem
{
    /// <summary>(B) 0 when the factorisation succeeded, otherwise the first failing step + 1.</summary>
    Tensor Info { get; }
    /// <summary>(B) smallest squared pivot of the equilibrated matrix.</summary>
    Tensor MinPivot { get; }
    /// <summary>(B) true where some polynomial of degree ≤ R is not pinned by equation and initial rows.</summary>
    Tensor Unpinned { get; }
    /// <summary>(B) Schur complement of the ε border relative to its corner (1 without ε).</summary>
    Tensor RelativeSchur { get; }
    /// <summary>False only when the kernel already established that every member is well-posed and finite (so the
    /// detailed checks, each a device round trip, can be skipped); true means "run <see cref="Wellposedness"/>".</summary>
    bool MayBeIllPosed { get; }
    /// <summary>The solution of every member: x (B, T·n) and ε (B).</summary>
    (Tensor X, Tensor Eps) Solution();
    /// <summary>λ = M⁻¹g (refined), then the gradients c (B, T·E·n), b (B, T·E), iv (B, S·D·K), h (B, T−1).</summary>
    (Tensor C, Tensor B, Tensor Iv, Tensor H) Backward(Tensor g, Tensor gEps);
}

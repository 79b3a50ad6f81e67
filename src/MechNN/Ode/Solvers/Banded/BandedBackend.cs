namespace MechNN.Ode.Solvers.Banded;

/// <summary>How <see cref="BandedSolver"/> factorises and substitutes the block-banded normal equations.</summary>
public enum BandedBackend
{
    /// <summary>Fused CPU kernel for CPU tensors; on CUDA the fused CUDA kernels where the driver is present and the shape
    /// fits them (R ≤ 5, D·(R+1) ≤ 16), else cyclic reduction.</summary>
    Auto,
    /// <summary>Batched torch ops walking the steps in order (any device; the reference for the fast paths).</summary>
    TorchSequential,
    /// <summary>Managed loops over tensor memory, parallel over batch members (CPU only).</summary>
    FusedCpu,
    /// <summary>Block cyclic reduction with batched torch ops: O(log T) dependent launches (any device; the GPU path).</summary>
    CyclicReduction,
    /// <summary>CUDA kernels doing what <see cref="FusedCpu"/> does, one GPU thread per batch member (CUDA only).</summary>
    FusedCuda,
}

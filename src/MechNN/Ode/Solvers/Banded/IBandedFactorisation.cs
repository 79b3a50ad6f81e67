using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Ode.Solvers.Banded;

/// <summary>A factorisation of a batch of SPD block-banded matrices (unit diagonal after equilibration) that can solve repeatedly.</summary>
internal interface IBandedFactorisation
{
    /// <summary>(B) 0 when every block factorised, non-zero otherwise.</summary>
    Tensor Info { get; }
    /// <summary>(B) smallest squared pivot.</summary>
    Tensor MinPivot { get; }
    /// <summary>Solves M x = rhs for rhs (B, T, n, k).</summary>
    Tensor Solve(Tensor rhs);

    /// <summary>The tensors the factorisation keeps (to move out of a dispose scope that frees the temporaries).</summary>
    IEnumerable<Tensor> Retained();
}

/// <summary>How a torch-ops backend factorises the equilibrated banded part: diagonal blocks (B, T, n, n), first and
/// (with central rows) second sub-diagonal blocks.</summary>
internal delegate IBandedFactorisation BandedFactorisation(Tensor diag, Tensor sub1, Tensor? sub2);

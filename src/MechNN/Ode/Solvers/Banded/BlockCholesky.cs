using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Ode.Solvers.Banded;

/// <summary>
/// Blocked Cholesky M = L Lᵀ of a batch of SPD block-tridiagonal (Sub2 = null) or block-pentadiagonal matrices, written
/// with batched torch ops that walk the T steps in order (any device). L has diagonal blocks L_tt, and sub-diagonal
/// blocks L_{t+1,t}, L_{t+2,t}. O(T·n³) time, O(T·n²) memory per system.
/// </summary>
internal sealed class BlockCholesky : IBandedFactorisation
{
    private readonly Tensor[] _diag;  // L_tt, (B, n, n) each
    private readonly Tensor[] _sub1;  // L_{t+1,t}
    private readonly Tensor[]? _sub2; // L_{t+2,t}

    /// <summary>(B) LAPACK info: the first failing step's code, 0 when every block factorised.</summary>
    public Tensor Info { get; }
    /// <summary>(B) smallest squared pivot over all steps.</summary>
    public Tensor MinPivot { get; }

    public BlockCholesky(Tensor diag, Tensor sub1, Tensor? sub2)
    {
        int T = (int)diag.size(1);
        _diag = new Tensor[T];
        _sub1 = new Tensor[Math.Max(T - 1, 0)];
        _sub2 = sub2 is null ? null : new Tensor[Math.Max(T - 2, 0)];
        var info = zeros(diag.size(0), dtype: ScalarType.Int32, device: diag.device);
        Tensor? minPivot = null;
        for (int t = 0; t < T; t++)
        {
            using var scope = NewDisposeScope();
            var s = diag.select(1, t);
            if (t >= 1)
            {
                var x = sub1.select(1, t - 1);
                if (_sub2 is not null && t >= 2)
                {
                    _sub2[t - 2] = RightSolveTransposed(_diag[t - 2], sub2!.select(1, t - 2)).MoveToOuterDisposeScope();
                    x = x - _sub2[t - 2].matmul(_sub1[t - 2].mT);
                    s = s - _sub2[t - 2].matmul(_sub2[t - 2].mT);
                }
                _sub1[t - 1] = RightSolveTransposed(_diag[t - 1], x).MoveToOuterDisposeScope();
                s = s - _sub1[t - 1].matmul(_sub1[t - 1].mT);
            }
            var (l, stepInfo) = linalg.cholesky_ex(s);
            _diag[t] = l.MoveToOuterDisposeScope();
            info.add_(stepInfo.mul(info.eq(0)));
            var pivot = l.diagonal(0, -2, -1).square().min(-1).values;
            minPivot = (minPivot is null ? pivot : minimum(minPivot, pivot)).MoveToOuterDisposeScope();
        }
        Info = info;
        MinPivot = minPivot!;
    }

    public IEnumerable<Tensor> Retained() => _diag.Concat(_sub1).Concat(_sub2 ?? Array.Empty<Tensor>()).Append(Info).Append(MinPivot);

    /// <summary>Solves M x = rhs for rhs (B, T, n, k).</summary>
    public Tensor Solve(Tensor rhs)
    {
        int T = _diag.Length;
        var y = new Tensor[T];
        for (int t = 0; t < T; t++)
        {
            using var scope = NewDisposeScope();
            var v = rhs.select(1, t);
            if (t >= 1) v = v - _sub1[t - 1].matmul(y[t - 1]);
            if (_sub2 is not null && t >= 2) v = v - _sub2[t - 2].matmul(y[t - 2]);
            y[t] = linalg.solve_triangular(_diag[t], v, upper: false).MoveToOuterDisposeScope();
        }
        var x = new Tensor[T];
        for (int t = T - 1; t >= 0; t--)
        {
            using var scope = NewDisposeScope();
            var v = y[t];
            if (t + 1 < T) v = v - _sub1[t].mT.matmul(x[t + 1]);
            if (_sub2 is not null && t + 2 < T) v = v - _sub2[t].mT.matmul(x[t + 2]);
            x[t] = linalg.solve_triangular(_diag[t].mT, v, upper: true).MoveToOuterDisposeScope();
        }
        var result = stack(x, 1);
        foreach (var tensor in y.Concat(x)) tensor.Dispose();
        return result;
    }

    /// <summary>X = A·L⁻ᵀ, i.e. solves X·Lᵀ = A.</summary>
    private static Tensor RightSolveTransposed(Tensor l, Tensor a) => linalg.solve_triangular(l.mT, a, upper: true, left: false);
}

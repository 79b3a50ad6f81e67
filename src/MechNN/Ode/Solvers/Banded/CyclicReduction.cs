using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Ode.Solvers.Banded;

/// <summary>
/// Parallel-in-time factorisation of SPD block-tridiagonal matrices by block cyclic reduction: each level eliminates the
/// odd steps at once (their blocks' Cholesky factors, batched over steps and members), leaving an SPD tridiagonal Schur
/// complement on the even steps; log₂T levels, a fixed number of batched ops each, so kernel launches grow with log T.
/// It is block Cholesky of the odd–even permuted matrix, so its pivots mean what the sequential ones mean.
/// Block-pentadiagonal input (central rows) is first regrouped into pairs of steps: tridiagonal with blocks of 2n.
/// The length is padded to a power of two with identity blocks that do not couple.
/// </summary>
internal sealed class CyclicReduction : IBandedFactorisation
{
    private readonly record struct Level(Tensor Factor, Tensor P, Tensor Q, Tensor SubOdd, Tensor SubEven);

    private readonly List<Level> _levels = new();
    private readonly Tensor _top;      // Cholesky factor of the last remaining block, (B, m, m)
    private readonly int _steps, _length, _n;
    private readonly bool _paired;

    public Tensor Info { get; }
    public Tensor MinPivot { get; }

    public CyclicReduction(Tensor diag, Tensor sub1, Tensor? sub2)
    {
        _steps = (int)diag.size(1);
        _n = (int)diag.size(-1);
        _paired = sub2 is not null;
        var (d, s) = _paired ? Pair(diag, sub1, sub2!) : (diag, nn.functional.pad(sub1, new long[] { 0, 0, 0, 0, 1, 0 }));
        // s[i] = A_{i,i−1} (s[0] = 0). Pad to a power of two with identity blocks.
        int length = 1;
        while (length < d.size(1)) length *= 2;
        _length = length;
        if (length > d.size(1))
        {
            long extra = length - d.size(1), m = d.size(-1);
            var eye = torch.eye(m, dtype: d.dtype, device: d.device).expand(d.size(0), extra, m, m);
            d = cat(new[] { d, eye }, 1);
            s = nn.functional.pad(s, new long[] { 0, 0, 0, 0, 0, extra });
        }

        var info = zeros(d.size(0), dtype: ScalarType.Int32, device: d.device);
        Tensor? minPivot = null;
        void Track(Tensor l, Tensor stepInfo)
        {
            var pivot = l.diagonal(0, -2, -1).square().amin(new long[] { -2, -1 });
            minPivot = minPivot is null ? pivot : minimum(minPivot, pivot);
            info = info.logical_or(stepInfo.ne(0).any(-1)).to_type(ScalarType.Int32);
        }

        while (d.size(1) > 1)
        {
            using var scope = NewDisposeScope();
            var de = d[.., TensorIndex.Slice(0, null, 2)];
            var dodd = d[.., TensorIndex.Slice(1, null, 2)];
            var se = s[.., TensorIndex.Slice(0, null, 2)];   // A_{2k,2k−1}
            var so = s[.., TensorIndex.Slice(1, null, 2)];   // A_{2k+1,2k}
            var (lo, stepInfo) = linalg.cholesky_ex(dodd);
            Track(lo, stepInfo);
            // Odd k couples to even k (through so[k]) and even k+1 (through se[k+1]ᵀ; none for the last).
            var seNext = nn.functional.pad(se.narrow(1, 1, se.size(1) - 1), new long[] { 0, 0, 0, 0, 0, 1 });
            var p = cholesky_solve(so, lo);                  // Do⁻¹·A_{odd,even k}
            var q = cholesky_solve(seNext.mT, lo);           // Do⁻¹·A_{odd,even k+1}
            var reducedDiag = de - so.mT.matmul(p) - se.matmul(Shift(q));
            var reducedSub = -se.matmul(Shift(p));
            _levels.Add(new Level(lo.MoveToOuterDisposeScope(), p.MoveToOuterDisposeScope(), q.MoveToOuterDisposeScope(),
                so.MoveToOuterDisposeScope(), se.MoveToOuterDisposeScope()));
            d = reducedDiag.MoveToOuterDisposeScope();
            s = reducedSub.MoveToOuterDisposeScope();
            minPivot = minPivot!.MoveToOuterDisposeScope();
            info = info.MoveToOuterDisposeScope();
        }
        var (top, topInfo) = linalg.cholesky_ex(d);
        Track(top, topInfo);
        _top = top;
        Info = info;
        MinPivot = minPivot!;
    }

    public IEnumerable<Tensor> Retained() =>
        _levels.SelectMany(l => new[] { l.Factor, l.P, l.Q, l.SubOdd, l.SubEven }).Append(_top).Append(Info).Append(MinPivot);

    public Tensor Solve(Tensor rhs)
    {
        using var scope = NewDisposeScope();
        long batch = rhs.size(0), k = rhs.size(-1);
        var b = _paired ? PairRhs(rhs) : rhs;
        if (_length > b.size(1)) b = nn.functional.pad(b, new long[] { 0, 0, 0, 0, 0, _length - b.size(1) });
        var zs = new List<Tensor>();
        foreach (var level in _levels)
        {
            var be = b[.., TensorIndex.Slice(0, null, 2)];
            var bo = b[.., TensorIndex.Slice(1, null, 2)];
            var zo = cholesky_solve(bo, level.Factor);
            zs.Add(zo);
            b = be - level.SubOdd.mT.matmul(zo) - level.SubEven.matmul(Shift(zo));
        }
        var x = cholesky_solve(b, _top);
        for (int l = _levels.Count - 1; l >= 0; l--)
        {
            var level = _levels[l];
            var xNext = nn.functional.pad(x.narrow(1, 1, x.size(1) - 1), new long[] { 0, 0, 0, 0, 0, 1 });
            var xo = zs[l] - level.P.matmul(x) - level.Q.matmul(xNext);
            x = stack(new[] { x, xo }, 2).reshape(batch, 2 * x.size(1), x.size(-2), k);
        }
        var steps = _paired ? x.reshape(batch, -1, _n, k) : x;
        return steps.narrow(1, 0, _steps).MoveToOuterDisposeScope();
    }

    /// <summary>v[k] ← v[k−1] (v[0] ← 0) along the step axis.</summary>
    private static Tensor Shift(Tensor v) => nn.functional.pad(v.narrow(1, 0, v.size(1) - 1), new long[] { 0, 0, 0, 0, 1, 0 });

    /// <summary>Block-pentadiagonal (n) → block-tridiagonal (2n) by grouping steps (2k, 2k+1); s[k] = A_{k,k−1}.</summary>
    private static (Tensor Diag, Tensor Sub) Pair(Tensor diag, Tensor sub1, Tensor sub2)
    {
        long b = diag.size(0), t = diag.size(1), n = diag.size(-1);
        long even = (t + 1) / 2 * 2;
        var d = diag;
        if (even > t)
        {
            // One decoupled identity step makes T even; sub1/sub2 get zero couplings to it.
            d = cat(new[] { d, torch.eye(n, dtype: d.dtype, device: d.device).expand(b, 1, n, n) }, 1);
            sub1 = nn.functional.pad(sub1, new long[] { 0, 0, 0, 0, 0, 1 });
            sub2 = nn.functional.pad(sub2, new long[] { 0, 0, 0, 0, 0, 1 });
        }
        long half = even / 2;
        var d0 = d[.., TensorIndex.Slice(0, null, 2)];          // M_{2k,2k}
        var d1 = d[.., TensorIndex.Slice(1, null, 2)];          // M_{2k+1,2k+1}
        var s10 = sub1[.., TensorIndex.Slice(0, null, 2)];      // M_{2k+1,2k}
        var top = cat(new[] { d0, s10.mT }, -1);
        var bottom = cat(new[] { s10, d1 }, -1);
        var pairDiag = cat(new[] { top, bottom }, -2);          // (B, half, 2n, 2n)
        // A_{k,k−1} = [[M_{2k,2k−2}, M_{2k,2k−1}], [0, M_{2k+1,2k−1}]] for k ≥ 1.
        var s2a = sub2[.., TensorIndex.Slice(0, null, 2)];      // M_{2k+2,2k}  → rows of pair k+1
        var s1b = sub1[.., TensorIndex.Slice(1, null, 2)];      // M_{2k+2,2k+1}
        var s2b = sub2[.., TensorIndex.Slice(1, null, 2)];      // M_{2k+3,2k+1}
        long count = half - 1;
        var upper = cat(new[] { s2a.narrow(1, 0, count), s1b.narrow(1, 0, count) }, -1);
        var lower = cat(new[] { zeros(b, count, n, n, dtype: d.dtype, device: d.device), s2b.narrow(1, 0, count) }, -1);
        var pairSub = nn.functional.pad(cat(new[] { upper, lower }, -2), new long[] { 0, 0, 0, 0, 1, 0 });
        return (pairDiag, pairSub);
    }

    private Tensor PairRhs(Tensor rhs)
    {
        if (rhs.size(1) % 2 == 1) rhs = nn.functional.pad(rhs, new long[] { 0, 0, 0, 0, 0, 1 });
        return rhs.reshape(rhs.size(0), rhs.size(1) / 2, 2 * _n, rhs.size(-1));
    }
}

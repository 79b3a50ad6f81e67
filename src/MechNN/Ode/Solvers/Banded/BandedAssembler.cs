using MechNN.Ode.Rows;
using MechNN.Tensors;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MechNN.Ode.Solvers.Banded;

/// <summary>
/// Builds the block-banded normal matrix AᵀW²A and AᵀW²β directly from the inputs, without ever forming A: every
/// row family adds outer products into the blocks of the steps it touches. Vectorised over steps (no T loop) and
/// broadcast over the batch, so time-invariant coefficients or uniform steps are never expanded before they meet.
/// </summary>
internal static class BandedAssembler
{
    public static BandedSystem Assemble(OdeProblem p)
    {
        p.EnsureValuesChecked();
        var spec = p.Spec;
        var layout = p.Layout;
        int T = layout.T, D = layout.D, R = layout.R, R1 = layout.R1, n = layout.N;
        var batch = p.BatchShape;
        long B = p.BatchSize;
        double ws2 = layout.Ws2, we2 = layout.We2, wi2 = layout.Wi2;
        var dtype = p.Coefficients.dtype;
        var device = p.Coefficients.device;
        var taylor = layout.Taylor;
        var KP = taylor.KPTensor(dtype, device);
        var KQ = taylor.KQTensor(dtype, device);

        // Per-dimension (R+1)×(R+1) blocks of the smoothness rows; identical for every dim, placed on the diagonal later.
        var h = p.AlignBatch(p.Steps, 1);
        h = h.expand(h.shape[..^1].Append(T - 1).ToArray());
        var hp = taylor.Powers(h);                                     // (…, T−1, R1)
        var outer = hp.unsqueeze(-1) * hp.unsqueeze(-2);               // (…, T−1, R1, R1)
        var atT = ws2 * KP.mT.matmul(KP) * outer;                      // into M_{t,t}
        var atT1 = ws2 * KQ.mT.matmul(KQ) * outer;                     // into M_{t+1,t+1}
        var local1 = ws2 * KQ.mT.matmul(KP) * outer;                   // M_{t+1,t}
        var localDiag = F.pad(atT, new long[] { 0, 0, 0, 0, 0, 1 }) + F.pad(atT1, new long[] { 0, 0, 0, 0, 1, 0 });
        var borderP = ws2 * hp * KP.sum(0L);
        var borderQ = ws2 * hp * KQ.sum(0L);
        var localBorder = F.pad(borderP, new long[] { 0, 0, 0, 1 }) + F.pad(borderQ, new long[] { 0, 0, 1, 0 });
        Tensor? local2 = null;

        if (layout.HasCentral)
        {
            var (a, b) = CentralRows.Coefficients(CentralRows.Spans(h), R); // (…, T−2)
            AddAt(localDiag, 0, R - 1, R - 1, ws2 * a * a);
            AddAt(localDiag, 1, R, R, ws2 * b * b);
            AddAt(localDiag, 2, R - 1, R - 1, ws2 * a * a);
            AddAt(local1, 0, R, R - 1, ws2 * a * b);
            AddAt(local1, 1, R - 1, R, -ws2 * a * b);
            local2 = zeros(localDiag.shape[..^3].Append(T - 2).Append(R1).Append(R1).ToArray(), dtype: dtype, device: device);
            AddAt(local2, 0, R - 1, R - 1, -ws2 * a * a);
            localBorder.narrow(-2, 0, T - 2).select(-1, R - 1).sub_(ws2 * a);
            localBorder.narrow(-2, 1, T - 2).select(-1, R).sub_(ws2 * b);
            localBorder.narrow(-2, 2, T - 2).select(-1, R - 1).add_(ws2 * a);
        }

        // Initial rows u_{s,d,i} = iv: the same diagonal entries for every dim.
        int S = layout.S, K = layout.K;
        if (S > 0)
            for (int i = 0; i < K; i++) localDiag.narrow(-3, 0, S).select(-2, i).select(-1, i).add_(wi2);

        var diag = PlaceOnDims(localDiag, D);
        var sub1 = PlaceOnDims(local1, D);
        var sub2 = local2 is null ? null : PlaceOnDims(local2, D);
        var border = localBorder.unsqueeze(-2).expand(localBorder.shape[..^1].Append(D).Append(R1).ToArray()).reshape(localBorder.shape[..^1].Append(n).ToArray());

        // Equation rows: w_e²·Σ_e c_eᵀ c_e couples the dims of one step; rhs w_e²·Σ_e c_e b_e.
        var c = p.AlignBatch(p.Coefficients, 4);
        c = c.reshape(c.shape[..^2].Append(n).ToArray());               // (…, T|1, E|1, n)
        var b2 = p.AlignBatch(p.Rhs, 2);                                // (…, T|1, E|1)
        double eqCopies = (double)spec.Equations / Math.Max(c.size(-2), b2.size(-1));
        var eqDiag = we2 * (double)spec.Equations / c.size(-2) * c.mT.matmul(c);
        var eqRhs = we2 * eqCopies * (c * b2.unsqueeze(-1)).sum(-2);    // (…, T|1, n)
        var rhs = eqRhs.expand(eqRhs.shape[..^2].Append(T).Append(n).ToArray());
        if (S > 0)
        {
            var iv = p.AlignBatch(p.InitialValues, 3);
            iv = iv.expand(iv.shape[..^3].Append(S).Append(D).Append(K).ToArray());
            iv = F.pad(wi2 * iv, new long[] { 0, R1 - K }).reshape(iv.shape[..^3].Append(S).Append(n).ToArray());
            rhs = rhs + F.pad(iv, new long[] { 0, 0, 0, T - S });
        }

        return new BandedSystem(
            Full(diag + eqDiag, batch, B, T, n, n),
            Full(sub1, batch, B, T - 1, n, n),
            sub2 is null ? null : Full(sub2, batch, B, T - 2, n, n),
            Full(rhs, batch, B, T, n),
            spec.Epsilon ? Full(border, batch, B, T, n) : null,
            layout.Corner,
            spec.EpsilonReward);
    }

    /// <summary>block[…, from+k, i, j] += values[…, k] for k over the values' last axis.</summary>
    private static void AddAt(Tensor block, int from, int i, int j, Tensor values) =>
        block.narrow(-3, from, values.size(-1)).select(-2, i).select(-1, j).add_(values);

    /// <summary>(…, R1, R1) per-dim blocks → (…, D·R1, D·R1) block-diagonal over dims.</summary>
    private static Tensor PlaceOnDims(Tensor local, int dims)
    {
        if (dims == 1) return local;
        var eye = torch.eye(dims, dtype: local.dtype, device: local.device);
        var full = einsum("de,...ij->...diej", eye, local);
        long r1 = local.size(-1);
        return full.reshape(local.shape[..^2].Append(dims * r1).Append(dims * r1).ToArray());
    }

    private static Tensor Full(Tensor x, long[] batch, long b, params long[] trailing) =>
        Broadcasting.ExpandFlat(x, batch, trailing).contiguous();
}

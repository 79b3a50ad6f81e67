using MechNN.Ode.Rows;

namespace MechNN.Ode.Solvers.Fused;

/// <summary>
/// The constants every routine of the fused kernels reads for one problem shape: the sizes of the problem's
/// <see cref="RowLayout"/> copied into plain fields (read in the kernels' innermost loops), squared weights, and the
/// Taylor patterns flattened with their Gram matrices and non-zero ranges. Immutable; built once per solve.
/// </summary>
internal sealed class FusedLayout
{
    /// <summary>The layout these constants are derived from.</summary>
    public RowLayout Source { get; }
    public int T { get; }
    public int D { get; }
    public int E { get; }
    public int R { get; }
    public int R1 => R + 1;
    /// <summary>Block size D·(R+1).</summary>
    public int N { get; }
    public int S { get; }
    public int K { get; }
    /// <summary>Taylor rows per gap and dim.</summary>
    public int Rows { get; }
    public bool Central { get; }
    public bool Epsilon { get; }
    public double We2 { get; }
    public double Wi2 { get; }
    public double Ws2 { get; }
    public double Reward { get; }
    /// <summary>M_εε = w_s²·(number of smoothness rows).</summary>
    public double Corner { get; }
    public double[] KP { get; }   // Rows × R1
    public double[] KQ { get; }
    public double[] PP { get; }   // KPᵀKP, R1 × R1
    public double[] QQ { get; }
    public double[] QP { get; }   // KQᵀKP
    public double[] ColP { get; } // column sums of KP
    public double[] ColQ { get; }
    /// <summary>Non-zero column range of each Taylor row: forward rows fill P from their order on and touch Q once,
    /// backward rows the other way round.</summary>
    public int[] PStart { get; }
    public int[] PEnd { get; }
    public int[] QStart { get; }
    public int[] QEnd { get; }
    /// <summary>k!/(k−j)! for j ≤ k ≤ R, (R+1) × (R+1).</summary>
    public double[] Falling { get; }

    public FusedLayout(RowLayout layout)
    {
        Source = layout;
        T = layout.T; D = layout.D; E = layout.E; R = layout.R; N = layout.N;
        S = layout.S; K = layout.K;
        var taylor = layout.Taylor;
        Rows = taylor.RowsPerGap;
        Central = layout.HasCentral;
        Epsilon = layout.Epsilon;
        (We2, Wi2, Ws2) = (layout.We2, layout.Wi2, layout.Ws2);
        Reward = layout.Spec.EpsilonReward;
        Corner = layout.Corner;
        KP = Flatten(taylor.KP);
        KQ = Flatten(taylor.KQ);
        PP = Gram(KP, KP);
        QQ = Gram(KQ, KQ);
        QP = Gram(KQ, KP);
        ColP = ColumnSums(KP);
        ColQ = ColumnSums(KQ);
        (PStart, PEnd, QStart, QEnd) = (new int[Rows], new int[Rows], new int[Rows], new int[Rows]);
        for (int r = 0; r < Rows; r++)
        {
            (PStart[r], PEnd[r]) = Range(KP, r);
            (QStart[r], QEnd[r]) = Range(KQ, r);
        }
        Falling = new double[R1 * R1];
        for (int k = 0; k < R1; k++)
        {
            double f = 1;
            for (int j = 0; j <= k; j++) { Falling[k * R1 + j] = f; f *= k - j; }
        }
    }

    private (int Start, int End) Range(double[] pattern, int row)
    {
        int start = R1, end = 0;
        for (int j = 0; j < R1; j++)
            if (pattern[row * R1 + j] != 0) { start = Math.Min(start, j); end = j + 1; }
        return start < end ? (start, end) : (0, 0);
    }

    private double[] Flatten(double[,] a)
    {
        var flat = new double[a.Length];
        Buffer.BlockCopy(a, 0, flat, 0, a.Length * sizeof(double));
        return flat;
    }

    private double[] Gram(double[] a, double[] b)
    {
        var g = new double[R1 * R1];
        for (int r = 0; r < Rows; r++)
            for (int i = 0; i < R1; i++)
                for (int j = 0; j < R1; j++)
                    g[i * R1 + j] += a[r * R1 + i] * b[r * R1 + j];
        return g;
    }

    private double[] ColumnSums(double[] a)
    {
        var s = new double[R1];
        for (int r = 0; r < Rows; r++) for (int j = 0; j < R1; j++) s[j] += a[r * R1 + j];
        return s;
    }
}

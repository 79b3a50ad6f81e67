using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Ode.Rows;

/// <summary>
/// The forward/backward Taylor ("smoothness") rows of one step gap, for one dimension, as constant patterns.
/// Gap t joins step t (variables u_t^(0..R)) and step t+1. Every row reads P_r·u_t + Q_r·u_{t+1} (+ ε) = 0 with
/// P_rj = KP_rj·h^j and Q_rj = KQ_rj·h^j, so all step dependence is the power h^j of the column:
/// <list type="bullet">
/// <item>forward row i: Σ_{j≥i} h^j/(j−i)!·u_t^(j) − h^i·u_{t+1}^(i)  (rows 0..n−1)</item>
/// <item>backward row i: Σ_{j≥i} (−h)^j/(j−i)!·u_{t+1}^(j) − (−h)^i·u_t^(i)  (rows n..2n−1)</item>
/// </list>
/// Orders i run over 0..R−1, or 0..R with <see cref="TopOrderRows.Continuity"/>. Shared by every solver.
/// </summary>
internal sealed class TaylorRows
{
    public int Order { get; }
    /// <summary>Orders per direction (R, or R+1 with continuity rows).</summary>
    public int OrdersPerDirection { get; }
    public int RowsPerGap => 2 * OrdersPerDirection;
    public double[,] KP { get; }
    public double[,] KQ { get; }

    public TaylorRows(int order, TopOrderRows top)
    {
        Order = order;
        OrdersPerDirection = top == TopOrderRows.Continuity ? order + 1 : order;
        int n = OrdersPerDirection, r1 = order + 1;
        KP = new double[2 * n, r1];
        KQ = new double[2 * n, r1];
        for (int i = 0; i < n; i++)
        {
            double sign = i % 2 == 0 ? 1 : -1;
            for (int j = i; j <= order; j++)
            {
                KP[i, j] = 1.0 / Factorial(j - i);
                KQ[n + i, j] = (j % 2 == 0 ? 1 : -1) / Factorial(j - i);
            }
            KQ[i, i] = -1;
            KP[n + i, i] = -sign;
        }
    }

    public Tensor KPTensor(ScalarType dtype, Device device) => FromArray(KP, dtype, device);
    public Tensor KQTensor(ScalarType dtype, Device device) => FromArray(KQ, dtype, device);

    /// <summary>h^j for j = 0..R: (…, R+1) from steps (…).</summary>
    public Tensor Powers(Tensor h) => h.unsqueeze(-1).pow(arange(Order + 1, dtype: h.dtype, device: h.device));

    /// <summary>d(h^j)/dh = j·h^(j−1) for j = 0..R.</summary>
    public Tensor PowerDerivatives(Tensor h)
    {
        var j = arange(Order + 1, dtype: h.dtype, device: h.device);
        return j * h.unsqueeze(-1).pow((j - 1).clamp_min(0));
    }

    private static Tensor FromArray(double[,] a, ScalarType dtype, Device device) =>
        tensor(a, dtype: ScalarType.Float64).to(dtype, device);

    private static double Factorial(int n) { double f = 1; for (int i = 2; i <= n; i++) f *= i; return f; }
}

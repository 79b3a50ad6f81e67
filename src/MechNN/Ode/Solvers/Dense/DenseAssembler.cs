using MechNN.Ode.Rows;
using MechNN.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Ode.Solvers.Dense;

/// <summary>
/// Builds the full weighted constraint matrix C (B, m, n) and right-hand side β (B, m) of the reference MNN
/// formulation from the problem's tensors, with differentiable torch ops (autograd carries gradients from C and β
/// back to coefficients, rhs, initial values and steps). O(T²) memory: for the oracle and small problems only.
/// </summary>
internal static class DenseAssembler
{
    public static (Tensor C, Tensor Beta) Assemble(OdeProblem p)
    {
        p.EnsureValuesChecked();
        var spec = p.Spec;
        var layout = p.Layout;
        int T = p.StepCount, D = spec.Dims, E = spec.Equations, R1 = spec.Order + 1, S = spec.InitialSteps, K = spec.ConstrainedInitialOrders;
        long B = p.BatchSize;
        var batch = p.BatchShape;
        var w = spec.Weights;
        var dtype = p.Coefficients.dtype;
        var device = p.Coefficients.device;

        var values = new List<Tensor>();
        var index = new List<long>();
        var betas = new List<Tensor>();
        long n = layout.Variables;
        void Add(int row, int col) => index.Add(row * n + col);

        // Equation rows: row e·T + t reads Σ c_{t,e,d,i} u_{t,d,i} = b_{t,e}.
        var c = Broadcasting.ExpandFlat(p.AlignBatch(p.Coefficients, 4), batch, T, E, D, R1);
        values.Add((w.Equation * c.permute(0, 2, 1, 3, 4)).reshape(B, -1));
        for (int e = 0; e < E; e++) for (int t = 0; t < T; t++) for (int d = 0; d < D; d++) for (int i = 0; i < R1; i++) Add(e * T + t, layout.Var(t, d, i));
        var b = Broadcasting.ExpandFlat(p.AlignBatch(p.Rhs, 2), batch, T, E);
        betas.Add(w.Equation * b.permute(0, 2, 1).reshape(B, -1));

        // Initial rows: u_{s,d,i} = iv_{s,d,i}.
        if (layout.InitialRows > 0)
        {
            values.Add(full(B, layout.InitialRows, w.Initial, dtype: dtype, device: device));
            int row = layout.FirstInitialRow;
            for (int s = 0; s < S; s++) for (int d = 0; d < D; d++) for (int i = 0; i < K; i++) Add(row++, layout.Var(s, d, i));
            betas.Add(w.Initial * Broadcasting.ExpandFlat(p.AlignBatch(p.InitialValues, 3), batch, S, D, K).reshape(B, -1));
        }

        // Taylor rows of gap t, dim d, row r: P_r·u_t + Q_r·u_{t+1} + ε.
        var h = Broadcasting.ExpandFlat(p.AlignBatch(p.Steps, 1), batch, T - 1);
        var taylor = layout.Taylor;
        int nr = taylor.RowsPerGap;
        var hp = taylor.Powers(h).unsqueeze(2).unsqueeze(2); // (B, T−1, 1, 1, R1)
        var P = (taylor.KPTensor(dtype, device) * hp).expand(B, T - 1, D, nr, R1);
        var Q = (taylor.KQTensor(dtype, device) * hp).expand(B, T - 1, D, nr, R1);
        values.Add(w.Smoothness * P.reshape(B, -1));
        for (int t = 0; t < T - 1; t++) for (int d = 0; d < D; d++) for (int r = 0; r < nr; r++) for (int j = 0; j < R1; j++)
            Add(layout.FirstTaylorRow + (t * D + d) * nr + r, layout.Var(t, d, j));
        values.Add(w.Smoothness * Q.reshape(B, -1));
        for (int t = 0; t < T - 1; t++) for (int d = 0; d < D; d++) for (int r = 0; r < nr; r++) for (int j = 0; j < R1; j++)
            Add(layout.FirstTaylorRow + (t * D + d) * nr + r, layout.Var(t + 1, d, j));

        // Central rows at interior t: ε + a·(u_{t+1}^(R−1) − u_{t−1}^(R−1)) − b·u_t^(R).
        if (layout.HasCentral)
        {
            int R = spec.Order;
            var (a, bb) = CentralRows.Coefficients(CentralRows.Spans(h), R); // (B, T−2)
            var ad = a.unsqueeze(-1).expand(B, T - 2, D).reshape(B, -1);
            var bd = bb.unsqueeze(-1).expand(B, T - 2, D).reshape(B, -1);
            values.Add(-w.Smoothness * ad); values.Add(-w.Smoothness * bd); values.Add(w.Smoothness * ad);
            foreach (var (dt, order) in new[] { (-1, R - 1), (0, R), (1, R - 1) })
                for (int t = 1; t < T - 1; t++) for (int d = 0; d < D; d++)
                    Add(layout.FirstCentralRow + (t - 1) * D + d, layout.Var(t + dt, d, order));
        }

        // ε has coefficient +1 on every smoothness row.
        if (spec.Epsilon)
        {
            int smooth = layout.TaylorRowCount + layout.CentralRowCount;
            values.Add(full(B, smooth, w.Smoothness, dtype: dtype, device: device));
            for (int r = 0; r < smooth; r++) Add(layout.FirstTaylorRow + r, 0);
        }
        betas.Add(zeros(B, layout.TaylorRowCount + layout.CentralRowCount, dtype: dtype, device: device));

        var idx = tensor(index.ToArray(), device: device);
        var C = zeros(B, layout.Rows * n, dtype: dtype, device: device).index_add(1, idx, cat(values, 1), 1.0).reshape(B, layout.Rows, n);
        return (C, cat(betas, 1));
    }
}

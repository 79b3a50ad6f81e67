namespace MechNN.Ode.Rows;

/// <summary>
/// Index bookkeeping of the full constraint system (used by the dense oracle): variable x = [ε?, u_{t,d,i} in (t, d, i)
/// C-order], rows = equation (e-major, then t), initial (s, d, i), Taylor (gap t, d, row r), central (t, d).
/// </summary>
internal sealed class RowLayout
{
    public int T { get; }
    public OdeSpec Spec { get; }
    public TaylorRows Taylor { get; }
    public int Offset => Spec.Epsilon ? 1 : 0;
    public int Variables => Offset + T * Spec.BlockSize;
    public int EquationRows => Spec.Equations * T;
    public int InitialRows => Spec.InitialSteps * Spec.Dims * Spec.ConstrainedInitialOrders;
    public int TaylorRowCount => (T - 1) * Spec.Dims * Taylor.RowsPerGap;
    public bool HasCentral => Spec.TopOrder == TopOrderRows.Central && T >= 3;
    public int CentralRowCount => HasCentral ? (T - 2) * Spec.Dims : 0;
    public int Rows => EquationRows + InitialRows + TaylorRowCount + CentralRowCount;
    public int FirstInitialRow => EquationRows;
    public int FirstTaylorRow => EquationRows + InitialRows;
    public int FirstCentralRow => FirstTaylorRow + TaylorRowCount;

    public RowLayout(OdeSpec spec, int steps)
    {
        Spec = spec; T = steps; Taylor = new TaylorRows(spec.Order, spec.TopOrder);
    }

    public int Var(int t, int d, int i) => Offset + (t * Spec.Dims + d) * (Spec.Order + 1) + i;
}

namespace MechNN.Ode.Rows;

/// <summary>
/// The row layout of one problem shape, derived once (on <see cref="OdeProblem.Layout"/>) and read by every solver:
/// sizes, the Taylor row patterns, whether central rows exist, the ε corner, and the index bookkeeping of the full
/// constraint system the dense oracle forms: variable x = [ε?, u_{t,d,i} in (t, d, i) C-order], rows = equation
/// (e-major, then t), initial (s, d, i), Taylor (gap t, d, row r), central (t, d).
/// </summary>
internal sealed class RowLayout
{
    public OdeSpec Spec { get; }
    /// <summary>Steps T.</summary>
    public int T { get; }
    /// <summary>Dims D.</summary>
    public int D => Spec.Dims;
    /// <summary>Equations per step E.</summary>
    public int E => Spec.Equations;
    /// <summary>Order R.</summary>
    public int R => Spec.Order;
    public int R1 => Spec.Order + 1;
    /// <summary>Block size n = D·(R+1): unknowns per step.</summary>
    public int N => Spec.BlockSize;
    /// <summary>Initial steps S.</summary>
    public int S => Spec.InitialSteps;
    /// <summary>Constrained initial orders k (0 when S = 0).</summary>
    public int K => Spec.ConstrainedInitialOrders;
    public bool Epsilon => Spec.Epsilon;
    public TaylorRows Taylor { get; }
    /// <summary>Central top-order rows exist: asked for, and there is an interior step (T ≥ 3).</summary>
    public bool HasCentral { get; }
    /// <summary>Smoothness rows (Taylor and central) per dim.</summary>
    public long SmoothnessRowsPerDim => (long)(T - 1) * Taylor.RowsPerGap + (HasCentral ? T - 2 : 0);
    /// <summary>M_εε = w_s²·(number of smoothness rows), the ε corner of the normal matrix; 0 without ε.</summary>
    public double Corner { get; }
    /// <summary>Squared row weights (equation, initial, smoothness): the normal equations' factors.</summary>
    public double We2 { get; }
    public double Wi2 { get; }
    public double Ws2 { get; }

    public int Offset => Spec.Epsilon ? 1 : 0;
    public int Variables => Offset + T * Spec.BlockSize;
    public int EquationRows => Spec.Equations * T;
    public int InitialRows => Spec.InitialSteps * Spec.Dims * Spec.ConstrainedInitialOrders;
    public int TaylorRowCount => (T - 1) * Spec.Dims * Taylor.RowsPerGap;
    public int CentralRowCount => HasCentral ? (T - 2) * Spec.Dims : 0;
    public int Rows => EquationRows + InitialRows + TaylorRowCount + CentralRowCount;
    public int FirstInitialRow => EquationRows;
    public int FirstTaylorRow => EquationRows + InitialRows;
    public int FirstCentralRow => FirstTaylorRow + TaylorRowCount;

    public RowLayout(OdeSpec spec, int steps)
    {
        Spec = spec; T = steps; Taylor = new TaylorRows(spec.Order, spec.TopOrder);
        HasCentral = spec.TopOrder == TopOrderRows.Central && steps >= 3;
        var w = spec.Weights;
        (We2, Wi2, Ws2) = (w.Equation * w.Equation, w.Initial * w.Initial, w.Smoothness * w.Smoothness);
        Corner = spec.Epsilon ? Ws2 * D * SmoothnessRowsPerDim : 0.0;
    }

    public int Var(int t, int d, int i) => Offset + (t * Spec.Dims + d) * (Spec.Order + 1) + i;
}

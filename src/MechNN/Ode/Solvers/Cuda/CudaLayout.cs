using System.Runtime.InteropServices;
using MechNN.Ode.Rows;
using MechNN.Ode.Solvers.Fused;

namespace MechNN.Ode.Solvers.Cuda;

/// <summary>
/// The kernels' first parameter, passed by value: sizes and row constants of one problem shape (a
/// <see cref="FusedLayout"/> in fixed-size arrays). Field order and sizes match <c>struct Layout</c> in Kernels/layout.cuh;
/// a unit test compares <see cref="Marshal.SizeOf{T}()"/> with the parameter size the PTX declares.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CudaLayout
{
    public const int MaxR1 = 6, MaxRows = 12, MaxN = 16;

    public fixed double KP[MaxRows * MaxR1];
    public fixed double KQ[MaxRows * MaxR1];
    public fixed double PP[MaxR1 * MaxR1];
    public fixed double QQ[MaxR1 * MaxR1];
    public fixed double QP[MaxR1 * MaxR1];
    public fixed double ColP[MaxR1];
    public fixed double ColQ[MaxR1];
    public fixed double Falling[MaxR1 * MaxR1];
    public double We2, Wi2, Ws2, Reward, Corner, SuspiciousPivot, NullspaceTolerance;
    public long B;
    public int T, D, E, R, S, K, Rows, Central, Epsilon, Refinements, Chunks, Pad1;
    public fixed int PStart[MaxRows];
    public fixed int PEnd[MaxRows];
    public fixed int QStart[MaxRows];
    public fixed int QEnd[MaxRows];

    /// <summary>True when a problem of this layout fits the kernels' fixed bounds.</summary>
    public static bool Fits(RowLayout l) => l.R1 <= MaxR1 && l.Taylor.RowsPerGap <= MaxRows && l.N <= MaxN;

    public static CudaLayout From(FusedLayout l, long batch, int refinements)
    {
        if (!Fits(l.Source)) throw new ArgumentException($"The CUDA kernels support R ≤ {MaxR1 - 1} and D·(R+1) ≤ {MaxN} (got R = {l.R}, D = {l.D}).");
        var c = new CudaLayout
        {
            We2 = l.We2, Wi2 = l.Wi2, Ws2 = l.Ws2, Reward = l.Reward, Corner = l.Corner,
            SuspiciousPivot = Wellposedness.SuspiciousPivot, NullspaceTolerance = Wellposedness.NullspaceTolerance,
            B = batch, T = l.T, D = l.D, E = l.E, R = l.R, S = l.S, K = l.K, Rows = l.Rows,
            Central = l.Central ? 1 : 0, Epsilon = l.Epsilon ? 1 : 0, Refinements = refinements,
        };
        Copy(l.KP, c.KP); Copy(l.KQ, c.KQ);
        Copy(l.PP, c.PP); Copy(l.QQ, c.QQ); Copy(l.QP, c.QP);
        Copy(l.ColP, c.ColP); Copy(l.ColQ, c.ColQ); Copy(l.Falling, c.Falling);
        Copy(l.PStart, c.PStart); Copy(l.PEnd, c.PEnd); Copy(l.QStart, c.QStart); Copy(l.QEnd, c.QEnd);
        return c;
    }

    private static void Copy(double[] from, double* to) { for (int i = 0; i < from.Length; i++) to[i] = from[i]; }
    private static void Copy(int[] from, int* to) { for (int i = 0; i < from.Length; i++) to[i] = from[i]; }
}

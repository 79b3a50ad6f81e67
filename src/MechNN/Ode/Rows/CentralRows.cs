using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Ode.Rows;

/// <summary>
/// The MNN central-difference row of the top order at interior step t (1..T−2), per dimension, with H = h_{t−1} + h_t:
/// ε + a·(u_{t+1}^(R−1) − u_{t−1}^(R−1)) − b·u_t^(R) = 0, where a = H^(R−2) and b = H^(R−1)
/// (the row H^(R−1)·[(u_{t+1} − u_{t−1})/H − u_t^(R)] of the reference code, expanded).
/// </summary>
internal static class CentralRows
{
    /// <summary>H for the T−2 interior steps, from steps (…, T−1).</summary>
    public static Tensor Spans(Tensor h)
    {
        long n = h.size(-1) - 1;
        return h.narrow(-1, 0, n) + h.narrow(-1, 1, n);
    }

    public static (Tensor A, Tensor B) Coefficients(Tensor span, int order) => (span.pow(order - 2), span.pow(order - 1));

    /// <summary>(da/dH, db/dH).</summary>
    public static (Tensor A, Tensor B) Derivatives(Tensor span, int order) =>
        ((order - 2) * span.pow(order - 3), (order - 1) * span.pow(order - 2));
}

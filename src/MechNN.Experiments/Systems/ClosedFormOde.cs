using MechNN.Ode;
using MechNN.Ode.Solvers;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Experiments.Systems;

/// <summary>
/// Linear ODEs with known solutions (built-in data for the demo and the tests), each a single system on a uniform grid
/// over [0, End], solved as plain least squares with central rows.
/// </summary>
/// <param name="Coefficients">Maps the grid times (T) to coefficients (T|1, E, D, R+1).</param>
/// <param name="Exact">Maps the grid times (T) to the exact u, (T, D).</param>
public sealed record ClosedFormOde(string Name, OdeSpec Spec, double End, Func<Tensor, Tensor> Coefficients, Tensor Rhs, Tensor Iv, Func<Tensor, Tensor> Exact)
{
    /// <summary>Max |u − exact| over the grid (u of every dimension) for T steps.</summary>
    public double MaxError(int T, IOdeSolver? solver = null)
    {
        using var scope = NewDisposeScope();
        var t = linspace(0, End, T, dtype: ScalarType.Float64);
        var h = full(T - 1, End / (T - 1), dtype: ScalarType.Float64);
        var sol = OdeSolve.Solve(Spec, Coefficients(t), Rhs, Iv, h, solver, stepCount: T);
        return (sol.Values - Exact(t)).abs().max().item<double>();
    }

    private static OdeSpec Plain(int order, int initialOrders, int dims = 1) =>
        new(order) { Dims = dims, Equations = dims, InitialSteps = 1, InitialOrders = initialOrders, Epsilon = false, TopOrder = TopOrderRows.Central };

    private static Tensor Const(params double[] c) => tensor(c, dtype: ScalarType.Float64).reshape(1, 1, 1, c.Length);
    private static Tensor Zero => zeros(1, 1, dtype: ScalarType.Float64);
    private static Tensor Initial(params double[] v) => tensor(v, dtype: ScalarType.Float64).reshape(1, 1, v.Length);

    public static readonly ClosedFormOde Sine = new("u'' + u = 0 (sin t)", Plain(2, 2), 2 * Math.PI,
        _ => Const(1, 0, 1), Zero, Initial(0, 1), t => t.sin().unsqueeze(-1));

    // u'' + 0.4u' + 4u = 0, u(0)=1, u'(0)=0.
    public static readonly ClosedFormOde Damped = new("damped oscillator", Plain(2, 2), 10,
        _ => Const(4, 0.4, 1), Zero, Initial(1, 0), t =>
        {
            double wd = Math.Sqrt(4 - 0.04);
            return ((-0.2 * t).exp() * ((wd * t).cos() + 0.2 / wd * (wd * t).sin())).unsqueeze(-1);
        });

    // RC decay u' + 2u = 0, u(0) = 1.
    public static readonly ClosedFormOde Decay = new("RC decay", Plain(1, 1), 3,
        _ => Const(2, 1), Zero, Initial(1), t => (-2 * t).exp().unsqueeze(-1));

    // u''' + u'' + u' + u = 0, u(0)=2, u'(0)=−1, u''(0)=0 → e^{−t} + cos t.
    public static readonly ClosedFormOde ThirdOrder = new("third order", Plain(3, 3), 5,
        _ => Const(1, 1, 1, 1), Zero, Initial(2, -1, 0), t => ((-t).exp() + t.cos()).unsqueeze(-1));

    // u' + t·u = 0, u(0)=1 → exp(−t²/2): the u-coefficient varies per step.
    public static readonly ClosedFormOde TimeVarying = new("u' = −t·u", Plain(1, 1), 3,
        t => stack(new[] { t, ones_like(t) }, -1).reshape(-1, 1, 1, 2), Zero, Initial(1), t => (-0.5 * t * t).exp().unsqueeze(-1));

    // x' = −a x − ω y, y' = ω x − a y (D = E = 2), x(0)=1, y(0)=0.
    public static readonly ClosedFormOde Rotation = new("damped rotation (D=E=2)", Plain(1, 1, dims: 2), 5,
        _ => tensor(new double[] { 0.3, 1, 2, 0, -2, 0, 0.3, 1 }, dtype: ScalarType.Float64).reshape(1, 2, 2, 2),
        zeros(1, 2, dtype: ScalarType.Float64), tensor(new double[] { 1, 0 }, dtype: ScalarType.Float64).reshape(1, 2, 1),
        t => stack(new[] { (-0.3 * t).exp() * (2 * t).cos(), (-0.3 * t).exp() * (2 * t).sin() }, -1));

    public static IReadOnlyList<ClosedFormOde> All => new[] { Sine, Damped, Decay, ThirdOrder, TimeVarying, Rotation };
}

using MechNN.Experiments.Systems;

namespace MechNN.Tests.Ode;

/// <summary>
/// Banded solver against closed-form solutions (plain least squares, central rows). Measured on 2026-11-23:
/// second-order convergence for all six (observed orders 1.94–2.07 between T = 100, 200, 400).
/// </summary>
public class ClosedFormTests
{
    public static TheoryData<string, double> Cases() => new()
    {
        // name, bound on max |u − exact| at T = 400 (≈ 2× the measured error)
        { "u'' + u = 0 (sin t)", 5.5e-4 },
        { "damped oscillator", 3.2e-3 },
        { "RC decay", 2.8e-5 },
        { "third order", 1.8e-4 },
        { "u' = −t·u", 1.6e-5 },
        { "damped rotation (D=E=2)", 5.5e-4 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ConvergesAtSecondOrderToTheClosedForm(string name, double bound)
    {
        var form = ClosedFormOde.All.Single(f => f.Name == name);
        double e100 = form.MaxError(100), e200 = form.MaxError(200), e400 = form.MaxError(400);
        Assert.True(e400 < bound, $"{name}: max error {e400:E3} at T = 400 exceeds {bound:E1}");
        foreach (var (coarse, fine) in new[] { (e100, e200), (e200, e400) })
        {
            double order = Math.Log2(coarse / fine);
            Assert.InRange(order, 1.9, 2.2);
        }
    }
}

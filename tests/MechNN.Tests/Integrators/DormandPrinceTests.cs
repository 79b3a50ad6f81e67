using MechNN.Integrators;

namespace MechNN.Tests.Integrators;

public class DormandPrinceTests
{
    [Fact]
    public void HarmonicOscillatorMatchesTheClosedFormToTheTolerance()
    {
        var times = Enumerable.Range(0, 101).Select(i => i * 0.2).ToArray();
        var y = new DormandPrince45(1e-10, 1e-12).Integrate((_, s) => new[] { s[1], -s[0] }, new[] { 0.0, 1.0 }, times);
        for (int k = 0; k < times.Length; k++)
        {
            Assert.Equal(Math.Sin(times[k]), y[k][0], 8);
            Assert.Equal(Math.Cos(times[k]), y[k][1], 8);
        }
    }

    [Fact]
    public void LooserToleranceGivesLargerButBoundedError()
    {
        var times = new[] { 0.0, 5.0 };
        double Error(double tol) => Math.Abs(new DormandPrince45(tol, tol).Integrate((_, s) => new[] { -s[0] }, new[] { 1.0 }, times)[1][0] - Math.Exp(-5));
        double loose = Error(1e-4), tight = Error(1e-10);
        Assert.True(loose < 1e-4 && tight < 1e-10 && tight < loose, $"errors {loose:E2}, {tight:E2}");
    }

    [Fact]
    public void BlowUpStopsWithTheTimeItDiverged()
    {
        // y' = y², y(0) = 1 blows up at t = 1.
        var ex = Assert.Throws<IntegrationDivergedException>(() =>
            new DormandPrince45().Integrate((_, s) => new[] { s[0] * s[0] }, new[] { 1.0 }, new[] { 0.0, 2.0 }));
        Assert.InRange(ex.Time, 0.99, 1.001);
    }

    [Fact]
    public void AStepBudgetThatRunsOutIsNotCalledADivergence()
    {
        // A finite oscillator over a long span: the 100-step budget runs out long before t = 1000.
        var ex = Assert.Throws<IntegrationBudgetExceededException>(() =>
            new DormandPrince45(maxSteps: 100).Integrate((_, s) => new[] { s[1], -s[0] }, new[] { 0.0, 1.0 }, new[] { 0.0, 1000.0 }));
        Assert.DoesNotContain("diverged", ex.Message);
        Assert.Contains("budget of 100 steps ran out", ex.Message);
        Assert.InRange(ex.Time, 1e-9, 999);
    }

    [Fact]
    public void MoreOutputTimesThanTheBudgetAreRefusedBeforeIntegrating()
    {
        int calls = 0;
        var times = Enumerable.Range(0, 11).Select(i => (double)i).ToArray();
        var ex = Assert.Throws<IntegrationBudgetExceededException>(() =>
            new DormandPrince45(maxSteps: 5).Integrate((_, s) => { calls++; return new[] { -s[0] }; }, new[] { 1.0 }, times));
        Assert.Contains("10 output intervals need at least as many steps, more than the budget of 5", ex.Message);
        Assert.Equal(0, calls);
    }
}

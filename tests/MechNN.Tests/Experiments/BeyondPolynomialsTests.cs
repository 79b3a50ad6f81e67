using MechNN.Experiments.DiscoveryTasks;
using MechNN.Discovery;
using Xunit.Abstractions;

namespace MechNN.Tests.Experiments;

/// <summary>Paper §5.1 / Fig. 2: right-hand sides outside SINDy's polynomial span, learned by the MNN, simulated from unseen states.</summary>
public class BeyondPolynomialsTests(ITestOutputHelper output)
{
    private void Report(BeyondPolynomialResult r)
    {
        foreach (var run in new[] { r.Mnn, r.Sindy })
        {
            foreach (var line in run.Equations) output.WriteLine($"{run.Method}: {line}");
            output.WriteLine($"{run.Method}: RMS simulation error {run.RmsError:E2}");
        }
    }

    [Fact]
    public void TanhOfALinearCombinationIsRecoveredAndSindyCannotSimulateIt()
    {
        var r = BeyondPolynomials.Tanh();
        Report(r);
        // ẋ = tanh(−0.1x + 2y), ẏ = tanh(−2x − 0.1y): exact structure, coefficients to three decimals (well within 5%).
        Assert.Equal(new[] { "tanh: (x0)' = -0.100 x0 +  2.000 x1", "tanh: (x1)' = -2.000 x0 + -0.100 x1" }, r.Mnn.Equations);
        Assert.True(r.Mnn.RmsError < 0.05 && r.Sindy.RmsError > 10 * r.Mnn.RmsError, $"MNN {r.Mnn.RmsError}, SINDy {r.Sindy.RmsError}");
    }

    [Fact]
    public void ARationalRightHandSideIsRecoveredAndSindyCannotSimulateIt()
    {
        var r = BeyondPolynomials.Rational();
        Report(r);
        Assert.Equal(new[] { "(x0)' = ( 1.000 1 + -1.000 x0) / (1 +  1.000 x0^2)" }, r.Mnn.Equations);
        Assert.True(r.Mnn.RmsError < 0.05 && r.Sindy.RmsError > 10 * r.Mnn.RmsError, $"MNN {r.Mnn.RmsError}, SINDy {r.Sindy.RmsError}");
    }
}

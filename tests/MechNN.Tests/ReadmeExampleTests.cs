using MechNN.Ode;
using static TorchSharp.torch;

namespace MechNN.Tests;

/// <summary>The README's library example, verbatim, so the README cannot drift from the API.</summary>
public class ReadmeExampleTests
{
    [Fact]
    public void ReadmeExampleSolvesTheSine()
    {
        var spec = new OdeSpec(order: 2) { InitialSteps = 1, InitialOrders = 2, Epsilon = false };
        var coefficients = tensor(new double[] { 1, 0, 1 }).reshape(1, 1, 1, 3);
        var rhs = zeros(1, 1, dtype: float64);
        var initial = tensor(new double[] { 0, 1 }).reshape(1, 1, 2);
        var steps = full(199, 0.05, dtype: float64);
        var solution = OdeSolve.Solve(spec, coefficients, rhs, initial, steps);
        Assert.Equal(Math.Sin(9.95), solution.Values[^1].item<double>(), 2);
    }
}

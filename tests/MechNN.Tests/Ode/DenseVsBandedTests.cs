using MechNN.Ode;
using MechNN.Ode.Solvers.Banded;
using MechNN.Ode.Solvers.Dense;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Tests.Ode;

public class DenseVsBandedTests
{
    public static TheoryData<int, int, TopOrderRows, bool, int> Cases()
    {
        var data = new TheoryData<int, int, TopOrderRows, bool, int>();
        foreach (var r in new[] { 1, 2, 3, 4 })
            foreach (var d in new[] { 1, 2, 3 })
                foreach (var top in new[] { TopOrderRows.Central, TopOrderRows.None, TopOrderRows.Continuity })
                    foreach (var eps in new[] { true, false })
                        foreach (var s in new[] { 0, 1, 5 })
                            data.Add(r, d, top, eps, s);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BandedReproducesDenseOracle(int order, int dims, TopOrderRows top, bool epsilon, int initialSteps)
    {
        var g = manual_seed(1000 * order + 100 * dims + 10 * (int)top + initialSteps + (epsilon ? 5 : 0));
        var (spec, c, b, iv, h) = Problems.Random(g, batch: 3, T: 9, order, dims, initialSteps, top, epsilon);
        var problem = OdeProblem.Create(spec, c, b, iv, h);
        var dense = new DenseSolver().Solve(problem);
        foreach (var backend in new[] { BandedBackend.TorchSequential, BandedBackend.FusedCpu, BandedBackend.CyclicReduction })
        {
            var banded = new BandedSolver { Backend = backend }.Solve(problem);
            Assert.True(Problems.RelativeError(banded.U, dense.U) < 1e-9, $"{backend}: u differs by {Problems.RelativeError(banded.U, dense.U):E2}");
            if (epsilon) Assert.True(Problems.RelativeError(banded.Epsilon, dense.Epsilon) < 1e-9, $"{backend}: ε differs by {Problems.RelativeError(banded.Epsilon, dense.Epsilon):E2}");
        }
    }

    /// <summary>Cyclic reduction pads to powers of two and pairs steps for central rows: every length must work.</summary>
    [Theory]
    [InlineData(2)] [InlineData(3)] [InlineData(4)] [InlineData(5)] [InlineData(8)] [InlineData(17)] [InlineData(33)] [InlineData(64)]
    public void CyclicReductionMatchesTheSequentialSolveForAnyLength(int steps)
    {
        foreach (var top in new[] { TopOrderRows.Central, TopOrderRows.Continuity })
        {
            var g = manual_seed(steps);
            var (spec, c, b, iv, h) = Problems.Random(g, batch: 2, T: steps, order: 2, dims: 2, initialSteps: 1, top, epsilon: true);
            var problem = OdeProblem.Create(spec, c, b, iv, h);
            var sequential = new BandedSolver { Backend = BandedBackend.TorchSequential }.Solve(problem);
            var cyclic = new BandedSolver { Backend = BandedBackend.CyclicReduction }.Solve(problem);
            Assert.True(Problems.RelativeError(cyclic.U, sequential.U) < 1e-9, $"T = {steps}, {top}: {Problems.RelativeError(cyclic.U, sequential.U):E2}");
            Assert.True(Problems.RelativeError(cyclic.Epsilon, sequential.Epsilon) < 1e-9);
        }
    }
}

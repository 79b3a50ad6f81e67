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
        foreach (var backend in new[] { BandedBackend.TorchSequential, BandedBackend.FusedCpu })
        {
            var banded = new BandedSolver { Backend = backend }.Solve(problem);
            Assert.True(Problems.RelativeError(banded.U, dense.U) < 1e-9, $"{backend}: u differs by {Problems.RelativeError(banded.U, dense.U):E2}");
            if (epsilon) Assert.True(Problems.RelativeError(banded.Epsilon, dense.Epsilon) < 1e-9, $"{backend}: ε differs by {Problems.RelativeError(banded.Epsilon, dense.Epsilon):E2}");
        }
    }
}

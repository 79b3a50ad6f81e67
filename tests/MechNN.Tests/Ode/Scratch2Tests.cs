using MechNN.Ode;
using MechNN.Ode.Solvers.Banded;
using MechNN.Ode.Solvers.Dense;
using TorchSharp;
using static TorchSharp.torch;
using Xunit.Abstractions;

namespace MechNN.Tests.Ode;

public class Scratch2Tests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(4, 2, TopOrderRows.Central, false, 0)]
    [InlineData(4, 1, TopOrderRows.None, true, 0)]
    [InlineData(3, 3, TopOrderRows.Central, true, 0)]
    [InlineData(2, 3, TopOrderRows.Central, true, 0)]
    public void Cond(int order, int dims, TopOrderRows top, bool eps, int s)
    {
        var g = manual_seed(1000 * order + 100 * dims + 10 * (int)top + s + (eps ? 5 : 0));
        var (spec, c, b, iv, h) = Problems.Random(g, batch: 3, T: 9, order, dims, s, top, eps);
        var p = OdeProblem.Create(spec, c, b, iv, h);
        var (C, beta) = DenseAssembler.Assemble(p);
        var M = C.mT.bmm(C);
        var d = M.diagonal(0, -2, -1).rsqrt();
        var Ms = d.unsqueeze(-1) * M * d.unsqueeze(-2);
        output.WriteLine($"cond {linalg.cond(Ms).ToString(TorchSharp.TensorStringStyle.Numpy)}  condC {linalg.cond(C * d.unsqueeze(-2)).ToString(TorchSharp.TensorStringStyle.Numpy)}");
        var dense = new DenseSolver().Solve(p);
        var banded = new BandedSolver().Solve(p);
        output.WriteLine($"err {Problems.RelativeError(banded.U, dense.U):E2}");
    }
}

using MechNN.Ode;
using MechNN.Ode.Rows;
using MechNN.Ode.Solvers.Banded;
using MechNN.Ode.Solvers.Fused;
using static TorchSharp.torch;

namespace MechNN.Tests.Ode;

/// <summary>The row layout derived once per problem, read alike by every solver, and the named formulations.</summary>
public class LayoutAndPresetTests
{
    [Fact]
    public void PresetsAreThePapersMnnAndSmnn()
    {
        var mnn = OdeSpec.Mnn(3);
        Assert.Equal((3, true, TopOrderRows.Central), (mnn.Order, mnn.Epsilon, mnn.TopOrder));
        Assert.Equal(new OdeSpec(3), mnn);   // the defaults are the paper's formulation
        var smnn = OdeSpec.Smnn(2);
        Assert.Equal((2, false, TopOrderRows.Continuity), (smnn.Order, smnn.Epsilon, smnn.TopOrder));
        Assert.Equal(0.0, smnn.EpsilonReward);
        Assert.Throws<ArgumentOutOfRangeException>(() => OdeSpec.Smnn(0));
    }

    /// <summary>The ε corner counts exactly the smoothness rows the dense oracle writes (ε has one entry per such row).</summary>
    [Theory]
    [InlineData(2, 2, TopOrderRows.Central, 9)]
    [InlineData(3, 1, TopOrderRows.Continuity, 9)]
    [InlineData(2, 1, TopOrderRows.Central, 2)]     // T = 2: no interior step, so no central rows
    [InlineData(1, 3, TopOrderRows.None, 5)]
    public void TheEpsilonCornerCountsTheDenseSmoothnessRows(int order, int dims, TopOrderRows top, int steps)
    {
        var spec = new OdeSpec(order) { Dims = dims, Equations = dims, TopOrder = top, Weights = new RowWeights(1, 1, 1.7) };
        var layout = new RowLayout(spec, steps);
        Assert.Equal(top == TopOrderRows.Central && steps >= 3, layout.HasCentral);
        Assert.Equal(1.7 * 1.7 * (layout.TaylorRowCount + layout.CentralRowCount), layout.Corner, 12);
        Assert.Equal(0.0, new RowLayout(spec with { Epsilon = false }, steps).Corner);
        var fused = new FusedLayout(layout);
        Assert.Equal((layout.Corner, layout.HasCentral, layout.Taylor.RowsPerGap), (fused.Corner, fused.Central, fused.Rows));
    }

    [Fact]
    public void AProblemCarriesItsLayoutAndSolutionShape()
    {
        var g = manual_seed(5);
        var (spec, c, b, iv, h) = Problems.Random(g, batch: 2, T: 7, order: 2, dims: 3, initialSteps: 1, TopOrderRows.Central, epsilon: true);
        var problem = OdeProblem.Create(spec, c.unsqueeze(0), b, iv, h);
        Assert.Equal(new long[] { 1, 2, 7, 3, 3 }, problem.SolutionShape);
        Assert.Equal(new long[] { 1, 2, 7, 3, 3 }, new BandedSolver().Solve(problem).U.shape);
        Assert.Same(problem.Layout, problem.Layout);
        Assert.Equal((7, 9, true), (problem.Layout.T, problem.Layout.N, problem.Layout.HasCentral));
    }

    [Theory]
    [InlineData(BandedBackend.FusedCpu)]
    [InlineData(BandedBackend.FusedCuda)]
    public void AFrozenLeftHandSideRefusesTheFusedBackends(BandedBackend backend)
    {
        var spec = OdeSpec.Smnn(2);
        var c = tensor(new double[] { 0, 1, 0 }, dtype: ScalarType.Float64).reshape(1, 1, 1, 3);
        var ex = Assert.Throws<ArgumentException>(() => new BandedSolver { Backend = backend }.Factorise(spec, c, full(1, 0.1, dtype: ScalarType.Float64), stepCount: 10));
        Assert.Contains("torch-ops backend", ex.Message);
    }
}

using MechNN.Ode;
using MechNN.Ode.Solvers.Banded;
using MechNN.Ode.Solvers.Fused;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Tests.Ode;

public class FusedKernelTests
{
    /// <summary>The state kept between forward and backward grows linearly in T (no O(T²) buffer sneaks in).</summary>
    [Theory]
    [InlineData(TopOrderRows.Central, true)]
    [InlineData(TopOrderRows.Continuity, false)]
    public void StateMemoryIsLinearInTheNumberOfSteps(TopOrderRows top, bool epsilon)
    {
        long Bytes(int T)
        {
            var g = manual_seed(T);
            var (spec, c, b, iv, h) = Problems.Random(g, batch: 8, T, order: 2, dims: 2, initialSteps: 1, top, epsilon);
            return new FusedSystem(OdeProblem.Create(spec, c, b, iv, h), refinements: 1).StateBytes;
        }
        double ratio = (double)Bytes(8000) / Bytes(1000);
        Assert.InRange(ratio, 7.9, 8.05);
    }

    /// <summary>Batches that do not fill the last SIMD pack (padded with copies of member 0) give the same per-member answers.</summary>
    [Fact]
    public void PartialPacksDoNotChangeAnyMember()
    {
        var g = manual_seed(3);
        var (spec, c, b, iv, h) = Problems.Random(g, batch: 7, T: 12, order: 3, dims: 1, initialSteps: 1, TopOrderRows.Central, epsilon: true);
        var all = new FusedSystem(OdeProblem.Create(spec, c, b, iv, h), 1).Solution().X;
        for (int m = 0; m < 7; m++)
        {
            var one = new FusedSystem(OdeProblem.Create(spec, c[m], b[m], iv![m], h[m]), 1).Solution().X;
            Assert.True((one[0] - all[m]).abs().max().item<double>() < 1e-12 * all[m].abs().max().item<double>());
        }
    }

    /// <summary>
    /// The kernel's own verdict lets a well-posed batch skip the detailed checks, and sends a batch with one overflowing
    /// member (finite inputs, infinite solution) to them: the error names that member, as the torch-ops backend's does.
    /// </summary>
    [Fact]
    public void The_kernel_verdict_passes_well_posed_batches_and_names_an_overflowing_member()
    {
        var g = manual_seed(11);
        var (spec, c, b, iv, h) = Problems.Random(g, batch: 6, T: 9, order: 2, dims: 1, initialSteps: 1, TopOrderRows.Continuity, epsilon: false);
        Assert.False(new FusedSystem(OdeProblem.Create(spec, c, b, iv, h), 1).MayBeIllPosed);
        var huge = b.clone();
        huge[2] = full_like(huge[2], 1.7e308);
        var problem = OdeProblem.Create(spec, c, huge, iv, h);
        Assert.True(new FusedSystem(problem, 1).MayBeIllPosed);
        foreach (var backend in new[] { BandedBackend.FusedCpu, BandedBackend.TorchSequential })
        {
            var ex = Assert.Throws<IllPosedSystemException>(() => new BandedSolver { Backend = backend }.Solve(problem));
            Assert.Equal(new long[] { 2 }, ex.Members);
        }
    }
}

using MechNN.Ode;
using MechNN.Ode.Solvers.Banded;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Tests.Ode;

public class FrozenOdeTests
{
    private static (OdeSpec Spec, Tensor C, Tensor B, Tensor Iv, Tensor H) Discovery(bool shared, bool epsilon, long batch = 6, int T = 20)
    {
        // u' = rhs with a fixed order-2 constraint set, as in the reference discovery pipeline.
        var spec = new OdeSpec(2) { InitialSteps = 1, InitialOrders = 1, Epsilon = epsilon, Gamma = 0.05, Alpha = 1 };
        var g = manual_seed(11);
        var c = shared
            ? tensor(new double[] { 0, 1, 0 }, dtype: ScalarType.Float64).reshape(1, 1, 1, 3)
            : rand(new long[] { batch, T, 1, 1, 3 }, dtype: ScalarType.Float64, generator: g) + 0.5;
        var h = shared ? full(1, 0.01, dtype: ScalarType.Float64) : 0.01 + 0.01 * rand(new long[] { batch, T - 1 }, dtype: ScalarType.Float64, generator: g);
        var b = randn(new long[] { batch, T, 1 }, dtype: ScalarType.Float64, generator: g);
        var iv = randn(new long[] { batch, 1, 1, 1 }, dtype: ScalarType.Float64, generator: g);
        return (spec, c, b, iv, h);
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public void FrozenSolveEqualsTheFullSolveInValuesAndGradients(bool shared, bool epsilon)
    {
        var (spec, c, b, iv, h) = Discovery(shared, epsilon);
        // Auto solves in the fused CPU kernel; the explicit torch-ops backends substitute with the stored factor.
        foreach (var backend in new[] { BandedBackend.TorchSequential, BandedBackend.CyclicReduction, BandedBackend.Auto })
        {
            using var frozen = new BandedSolver { Backend = backend }.Factorise(spec, c, h, stepCount: 20);
            Assert.Equal(shared, frozen.Shared);
            var b1 = b.clone().requires_grad_(true);
            var iv1 = iv.clone().requires_grad_(true);
            var fast = frozen.Solve(b1, iv1);
            ((fast.U * fast.U).sum() + fast.Epsilon.sum()).backward();

            var b2 = b.clone().requires_grad_(true);
            var iv2 = iv.clone().requires_grad_(true);
            var full = new BandedSolver { Backend = BandedBackend.TorchSequential }.Solve(OdeProblem.Create(spec, c, b2, iv2, h, 20));
            ((full.U * full.U).sum() + full.Epsilon.sum()).backward();

            Assert.True(Problems.RelativeError(fast.U, full.U) < 1e-10, $"values differ by {Problems.RelativeError(fast.U, full.U):E2}");
            Assert.True(Problems.RelativeError(fast.Epsilon, full.Epsilon) < 1e-10 || !epsilon);
            Assert.True(Problems.RelativeError(b1.grad!, b2.grad!) < 1e-9, $"rhs gradients differ by {Problems.RelativeError(b1.grad!, b2.grad!):E2}");
            Assert.True(Problems.RelativeError(iv1.grad!, iv2.grad!) < 1e-9, $"initial-value gradients differ by {Problems.RelativeError(iv1.grad!, iv2.grad!):E2}");
        }
    }

    [Fact]
    public void FactorisingLeavesTheCallersDisposeScopeCurrent()
    {
        // Create once left its own scope open as the thread's current one: the caller's later tensors were owned by
        // the FrozenOde and died with it.
        var (spec, c, b, iv, h) = Discovery(shared: false, epsilon: false);
        using var outer = NewDisposeScope();
        Assert.True(outer.Contains(ones(1)), "the test's own scope is not current");
        var frozen = new BandedSolver().Factorise(spec, c, h, stepCount: 20);
        Assert.True(outer.Contains(ones(1)), "after Factorise the caller's scope is not the current one");
        var later = frozen.Solve(b, iv).U;
        Assert.True(outer.Contains(ones(1)), "after Solve the caller's scope is not the current one");
        var mine = ones(3);
        frozen.Dispose();
        Assert.False(mine.IsInvalid, "a tensor made after Factorise was disposed with the FrozenOde");
        Assert.False(later.IsInvalid, "a solution was disposed with the FrozenOde");
        Assert.True(outer.Contains(mine), "the caller's scope does not own its own tensor");
        outer.Dispose();
        Assert.True(mine.IsInvalid);
    }

    [Fact]
    public void ChangingTheCallersCoefficientsAfterFactorisingCannotMakeItStale()
    {
        var (spec, c, b, iv, h) = Discovery(shared: false, epsilon: false);
        using var frozen = new BandedSolver().Factorise(spec, c, h, stepCount: 20);
        var before = frozen.Solve(b, iv).U.clone();
        c.mul_(3); h.mul_(0.5);   // the caller reuses its buffers
        var after = frozen.Solve(b, iv).U;
        Assert.Equal(0.0, (after - before).abs().max().item<double>());
        var changed = new BandedSolver().Solve(OdeProblem.Create(spec, c, b, iv, h, 20)).U;
        Assert.True((changed - before).abs().max().item<double>() > 1e-3, "the test must change the problem");
    }

    [Fact]
    public void CoefficientsThatNeedGradientsAreRefused()
    {
        var (spec, c, _, _, h) = Discovery(shared: true, epsilon: false);
        var ex = Assert.Throws<ArgumentException>(() => new BandedSolver().Factorise(spec, c.requires_grad_(true), h, stepCount: 20));
        Assert.Contains("cannot return their gradients", ex.Message);
    }

    [Fact]
    public void AFrozenLeftHandSideRejectsAnotherBatch()
    {
        var (spec, c, b, iv, h) = Discovery(shared: false, epsilon: false, batch: 6);
        using var frozen = new BandedSolver().Factorise(spec, c, h, stepCount: 20);
        var ex = Assert.Throws<OdeInputException>(() => frozen.Solve(randn(new long[] { 3, 20, 1 }, dtype: ScalarType.Float64), iv));
        Assert.Contains("Batch shapes do not broadcast", ex.Message);
    }
}

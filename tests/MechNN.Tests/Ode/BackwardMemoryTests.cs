using MechNN.Ode;
using MechNN.Ode.Solvers;
using MechNN.Ode.Solvers.Banded;
using MechNN.Ode.Solvers.Dense;
using MechNN.Tests.Training;
using static TorchSharp.torch;

namespace MechNN.Tests.Ode;

/// <summary>
/// A backward that runs where no dispose scope exists (libtorch's device thread, for CUDA tensors) must still free its
/// buffers: the Darcy MNN filled the H200 within an epoch when it did not. Counted with TorchSharp's live-tensor count,
/// so the test runs in the one-at-a-time collection.
/// </summary>
[Collection(nameof(GlobalRandomState))]
public sealed class BackwardMemoryTests
{
    public static TheoryData<string> Solvers() => new() { "banded", "dense" };

    [Theory]
    [MemberData(nameof(Solvers))]
    public void ABackwardOutsideAnyScopeLeavesOnlyItsGradients(string name)
    {
        IOdeSolver solver = name == "dense" ? new DenseSolver() : new BandedSolver();
        var g = manual_seed(4);
        var (spec, c, b, iv, h) = Problems.Random(g, batch: 3, T: 12, order: 2, dims: 1, initialSteps: 1, TopOrderRows.Central, epsilon: true);
        var leaves = new[] { c, b, iv!, h }.Select(x => x.detach().requires_grad_(true)).ToArray();
        using var scope = NewDisposeScope();
        var loss = solver.Solve(OdeProblem.Create(spec, leaves[0], leaves[1], leaves[2], leaves[3])).U.square().sum();
        long before = 0, after = 0;
        var thread = new Thread(() =>                                           // no dispose scope on this thread
        {
            before = Tensor.TotalCount;
            loss.backward();
            after = Tensor.TotalCount;
        });
        thread.Start();
        thread.Join();
        Assert.All(leaves, x => Assert.NotNull(x.grad));
        // The returned gradients (≤ 4) and the leaves' accumulated .grad wrappers may stay; the solver's buffers may not.
        Assert.True(after - before <= 8, $"{after - before} tensors outlived the backward");
    }
}

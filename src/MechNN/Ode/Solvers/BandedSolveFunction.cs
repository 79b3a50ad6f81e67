using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Ode.Solvers;

/// <summary>
/// The one autograd node of the banded backends. Arguments: coefficients, rhs, initial values, steps (tensors), the
/// <see cref="OdeProblem"/>, and the factory that factorises it (a backend of <see cref="Banded.BandedSolver"/>, or a
/// frozen left-hand side). Outputs: U (…, T, D, R+1), ε (…). The factorised system lives from forward to backward,
/// where it solves the adjoint system with the same factor.
/// </summary>
internal sealed class BandedSolveFunction : autograd.MultiTensorFunction<BandedSolveFunction>
{
    public override string Name => "MechNN.BandedSolve";

    public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var problem = (OdeProblem)vars[4];
        var factorise = (Func<OdeProblem, IFactorisedSystem>)vars[5];
        var system = factorise(problem);
        var (u, eps) = system.Solve();
        ctx.save_data("system", system);
        ctx.save_data("needs", Enumerable.Range(0, 4).Select(i => ((Tensor)vars[i]).requires_grad).ToArray());
        ctx.save_for_backward(new List<Tensor> { u, eps });
        return new List<Tensor> { u, eps };
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> grads) => BackwardScope.Run(grads, () =>
    {
        var system = (IFactorisedSystem)ctx.get_data("system");
        var needs = (bool[])ctx.get_data("needs");
        var saved = ctx.get_saved_variables();
        var (gU, gEps) = OutputGradients.Read(grads, saved[0], saved[1]);
        var g = system.Backward(gU, gEps, needs);
        return new List<Tensor> { g.Coefficients!, g.Rhs!, g.InitialValues!, g.Steps!, null!, null! };
    });
}

using MechNN.Ode;
using MechNN.Ode.Solvers;
using MechNN.Ode.Solvers.Banded;
using MechNN.Ode.Solvers.Dense;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Tests.Ode;

/// <summary>Analytic backward vs central finite differences (float64) for all four inputs.</summary>
public class GradientTests
{
    public static TheoryData<string, int, int, TopOrderRows, bool, int, bool> Cases() => new()
    {
        // solver, order, dims, top rows, ε, initial steps, time-invariant (broadcast) coefficients and steps
        { "fused", 2, 2, TopOrderRows.Central, true, 1, false },
        { "torch", 2, 2, TopOrderRows.Central, true, 1, false },
        { "cyclic", 2, 2, TopOrderRows.Central, true, 1, false },
        { "dense", 2, 2, TopOrderRows.Central, true, 1, false },
        { "fused", 3, 1, TopOrderRows.None, false, 2, false },
        { "torch", 3, 1, TopOrderRows.None, false, 2, false },
        { "cyclic", 3, 1, TopOrderRows.None, false, 2, false },
        { "dense", 3, 1, TopOrderRows.None, false, 2, false },
        { "fused", 1, 2, TopOrderRows.Continuity, true, 0, false },
        { "torch", 1, 2, TopOrderRows.Continuity, true, 0, false },
        { "cyclic", 1, 2, TopOrderRows.Continuity, true, 0, false },
        { "dense", 1, 2, TopOrderRows.Continuity, true, 0, false },
        { "fused", 2, 1, TopOrderRows.Central, true, 1, true },
        { "torch", 2, 1, TopOrderRows.Central, true, 1, true },
        { "cyclic", 2, 1, TopOrderRows.Central, true, 1, true },
        { "dense", 2, 1, TopOrderRows.Central, true, 1, true },
        { "fused", 4, 1, TopOrderRows.Central, false, 1, false },
        { "torch", 4, 1, TopOrderRows.Central, false, 1, false },
        { "cyclic", 4, 1, TopOrderRows.Central, false, 1, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void AnalyticGradientsMatchFiniteDifferences(string solverName, int order, int dims, TopOrderRows top, bool epsilon, int initialSteps, bool broadcast)
    {
        IOdeSolver solver = Problems.Solver(solverName);
        var g = manual_seed(17 * order + 5 * dims + (int)top);
        var (spec, c, b, iv, h) = Problems.Random(g, batch: 2, T: 6, order, dims, initialSteps, top, epsilon);
        if (broadcast)
        {
            c = c[0, 0].unsqueeze(0).unsqueeze(0).clone();     // (1, 1, E, D, R+1): one ODE for all steps and members
            h = h[0].narrow(0, 0, 1).clone();                   // (1): one uniform step
        }
        var inputs = new List<Tensor> { c, b, h };
        if (iv is not null) inputs.Add(iv);
        var weightU = randn(new long[] { 2, 6, dims, order + 1 }, dtype: ScalarType.Float64, generator: g);
        var weightE = randn(new long[] { 2 }, dtype: ScalarType.Float64, generator: g);

        double Loss(bool grad)
        {
            using var mode = grad ? enable_grad() : no_grad();
            var sol = solver.Solve(OdeProblem.Create(spec, c, b, iv, h, stepCount: 6));
            var loss = (sol.U * weightU).sum() + (sol.Epsilon * weightE).sum();
            if (grad) loss.backward();
            return loss.item<double>();
        }

        foreach (var x in inputs) x.requires_grad_(true);
        Loss(grad: true);
        var analytic = inputs.Select(x => x.grad!.clone()).ToList();
        foreach (var x in inputs) x.requires_grad_(false);

        string[] names = { "coefficients", "rhs", "steps", "initialValues" };
        for (int n = 0; n < inputs.Count; n++)
        {
            var x = inputs[n];
            var fd = zeros_like(x);
            var flat = x.view(-1);
            var fdFlat = fd.view(-1);
            for (long i = 0; i < flat.numel(); i++)
            {
                double orig = flat[i].item<double>();
                double delta = 1e-5 * Math.Max(1.0, Math.Abs(orig));
                flat[i] = orig + delta; double up = Loss(false);
                flat[i] = orig - delta; double down = Loss(false);
                flat[i] = orig;
                fdFlat[i] = (up - down) / (2 * delta);
            }
            double rel = (fd - analytic[n]).norm().item<double>() / Math.Max(analytic[n].norm().item<double>(), 1e-300);
            Assert.True(rel < 1e-6, $"{names[n]}: relative gradient error {rel:E2}");
            Assert.True(analytic[n].norm().item<double>() > 1e-8, $"{names[n]}: gradient is trivially zero");
        }
    }
}

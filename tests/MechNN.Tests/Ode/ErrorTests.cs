using MechNN.Ode;
using MechNN.Ode.Solvers;
using MechNN.Ode.Solvers.Banded;
using MechNN.Ode.Solvers.Dense;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Tests.Ode;

public class ErrorTests
{
    private static readonly OdeSpec Spec = new(2) { InitialSteps = 1, InitialOrders = 2 };

    private static (Tensor C, Tensor B, Tensor Iv, Tensor H) Valid(int batch = 3, int T = 8) => (
        tensor(new double[] { 1, 0, 1 }, dtype: ScalarType.Float64).reshape(1, 1, 1, 1, 3).expand(batch, T, 1, 1, 3).clone(),
        zeros(batch, T, 1, dtype: ScalarType.Float64),
        ones(new long[] { batch, 1, 1, 2 }, dtype: ScalarType.Float64),
        full(batch, T - 1, 0.1, dtype: ScalarType.Float64));

    [Fact]
    public void WrongShapeNamesTheTensorAndTheExpectedShape()
    {
        var (c, b, iv, h) = Valid();
        var bad = zeros(new long[] { 3, 8, 1, 1, 4 }, dtype: ScalarType.Float64); // order 3 coefficients for an order-2 spec
        var ex = Assert.Throws<OdeInputException>(() => OdeProblem.Create(Spec, bad, b, iv, h));
        Assert.Contains("coefficients has shape (3, 8, 1, 1, 4)", ex.Message);
        Assert.Contains("expected (…, 8|1, 1|1, 1, 3)", ex.Message);
    }

    [Fact]
    public void MismatchedStepCountsAreReported()
    {
        var (c, b, iv, _) = Valid();
        var ex = Assert.Throws<OdeInputException>(() => OdeProblem.Create(Spec, c, b, iv, full(3, 5, 0.1, dtype: ScalarType.Float64)));
        Assert.Contains("disagree on the number of steps", ex.Message);
        Assert.Contains("steps gives T = 6", ex.Message);
    }

    [Fact]
    public void NonPositiveStepNamesTheBatchMemberAndStep()
    {
        var (c, b, iv, h) = Valid();
        h[2, 4] = tensor(0.0, dtype: ScalarType.Float64);
        var ex = Assert.Throws<OdeInputException>(() => OdeProblem.Create(Spec, c, b, iv, h));
        Assert.Contains("batch member [2] has step 4 = 0", ex.Message);
    }

    [Fact]
    public void NonFiniteStepNamesTheBatchMember()
    {
        var (c, b, iv, h) = Valid();
        h[1, 0] = tensor(double.PositiveInfinity, dtype: ScalarType.Float64);
        var ex = Assert.Throws<OdeInputException>(() => OdeProblem.Create(Spec, c, b, iv, h));
        Assert.Contains("steps contains NaN or Inf: first at batch member [1]", ex.Message);
    }

    /// <summary>Views that are not contiguous skip the in-place scan (as CUDA tensors do) and take the torch-op checks:
    /// the same verdicts must come out of that path.</summary>
    [Theory]
    [InlineData("steps", 0.0, "batch member [2] has step 4 = 0")]
    [InlineData("steps", double.NaN, "steps contains NaN or Inf: first at batch member [2]")]
    [InlineData("rhs", double.PositiveInfinity, "rhs contains NaN or Inf: first at batch member [2]")]
    public void BadValuesInViewsThatAreNotScannedAreNamedToo(string which, double value, string expected)
    {
        var (c, b, iv, h) = Valid();
        var target = which == "steps" ? h : b;
        target[2, 4] = tensor(value, dtype: ScalarType.Float64);
        static Tensor View(Tensor x) => x.transpose(0, 1).contiguous().transpose(0, 1);   // same values, not contiguous
        (b, h) = (View(b), View(h));
        Assert.False(h.is_contiguous());
        var ex = Assert.Throws<OdeInputException>(() => OdeProblem.Create(Spec, c, b, iv, h));
        Assert.Contains(expected, ex.Message);
        var (c2, b2, iv2, h2) = Valid();
        Assert.NotNull(OdeProblem.Create(Spec, c2, View(b2), iv2, View(h2)));   // and good views pass
    }

    [Theory]
    [InlineData("coefficients")]
    [InlineData("rhs")]
    [InlineData("initialValues")]
    public void NaNInAnyInputNamesTheTensorAndBatchMember(string which)
    {
        var (c, b, iv, h) = Valid();
        var target = which switch { "coefficients" => c, "rhs" => b, _ => iv };
        target[2] = full_like(target[2], double.NaN);
        var ex = Assert.Throws<OdeInputException>(() => OdeProblem.Create(Spec, c, b, iv, h));
        Assert.Contains($"{which} contains NaN or Inf: first at batch member [2]", ex.Message);
    }

    [Theory]
    [InlineData("fused")]
    [InlineData("torch")]
    [InlineData("cyclic")]
    [InlineData("dense")]
    public void IllPosedSystemListsTheFailingMembersInsteadOfReturningNaN(string solverName)
    {
        IOdeSolver solver = Problems.Solver(solverName);
        var spec = new OdeSpec(2) { InitialSteps = 0 };
        var (c, b, _, h) = Valid(batch: 4);
        c[1] = zeros_like(c[1]);   // no initial values and no equation: u is undetermined
        c[3] = zeros_like(c[3]);
        var ex = Assert.Throws<IllPosedSystemException>(() => solver.Solve(OdeProblem.Create(spec, c, b, null, h)));
        Assert.Equal(new long[] { 1, 3 }, ex.Members);
        Assert.Contains("[1], [3]", ex.Message);
    }

    /// <summary>Tiny pivots that are legitimate (h^i-scaled rows, high order, small steps) must not be flagged; true null spaces must be.</summary>
    [Theory]
    [InlineData(4, 0.001, 100, 1, 4, new double[] { 1, 0.3, 0, 0, 1 }, false)]
    [InlineData(3, 0.0001, 1000, 1, 3, new double[] { 0, 0, 0, 1 }, false)]
    [InlineData(3, 0.0001, 1000, 1, 1, new double[] { 0, 0, 0, 1 }, true)]    // u''' = b with only u(0): u + at + bt² also fits
    [InlineData(2, 0.001, 2000, 1, 2, new double[] { 1, 0, 1 }, false)]
    [InlineData(1, 0.01, 500, 0, 0, new double[] { 0, 0 }, true)]          // nothing pins u
    [InlineData(2, 0.01, 500, 0, 0, new double[] { 0, 1, 0 }, true)]       // u' = b without an initial value: u + const also fits
    [InlineData(3, 0.001, 500, 0, 0, new double[] { 0, 0, 0, 0 }, true)]
    public void PivotSizeAloneDoesNotDecideIllPosedness(int order, double h, int T, int S, int K, double[] c, bool illPosed)
    {
        foreach (var top in new[] { TopOrderRows.Central, TopOrderRows.None })
        {
            var spec = new OdeSpec(order) { InitialSteps = S, InitialOrders = Math.Max(K, 1), TopOrder = top };
            var coefficients = tensor(c, dtype: ScalarType.Float64).reshape(1, 1, 1, order + 1);
            var iv = S > 0 ? ones(new long[] { 1, 1, K }, dtype: ScalarType.Float64) : null;
            var problem = OdeProblem.Create(spec, coefficients, ones(1, 1, dtype: ScalarType.Float64), iv, full(T - 1, h, dtype: ScalarType.Float64), T);
            foreach (var backend in new[] { BandedBackend.FusedCpu, BandedBackend.TorchSequential, BandedBackend.CyclicReduction })
            {
                var solver = new BandedSolver { Backend = backend };
                if (illPosed) Assert.Throws<IllPosedSystemException>(() => solver.Solve(problem));
                else Assert.True(solver.Solve(problem).U.isfinite().all().item<bool>());
            }
        }
    }
    [Fact]
    public void A_well_posed_problem_whose_factorisation_breaks_down_in_rounding_is_named_numerically_singular_not_ill_posed()
    {
        // demo --steps 100000: u''' + u'' + u' + u = 0 with three initial values is well-posed, but at h = 5e-5 its last
        // Cholesky pivot (about h³ relative) is lost to rounding.
        var ode = MechNN.Experiments.Systems.ClosedFormOde.ThirdOrder;
        var ex = Assert.Throws<IllPosedSystemException>(() => ode.MaxError(100_000));
        Assert.StartsWith("Numerically singular ODE system: the Cholesky factorisation broke down in float64 rounding although the problem is well-posed", ex.Message);
        Assert.Contains("1 batch member(s): [] (the single system)", ex.Message);
        Assert.Contains("Order R = 3 with steps down to h = 5E-05", ex.Message);
        Assert.Equal(new long[] { 0 }, ex.Members);
    }

    [Theory]
    [InlineData(BandedBackend.FusedCpu)]
    [InlineData(BandedBackend.TorchSequential)]
    public void A_structurally_ill_posed_member_is_named_as_such_with_its_index(BandedBackend backend)
    {
        // Member 1 of 3 has nothing that pins u (zero coefficients, no initial values): ill-posed on every backend.
        var spec = new OdeSpec(1) { InitialSteps = 0 };
        var c = tensor(new double[] { 1, 1, 0, 0, 1, 1 }, dtype: ScalarType.Float64).reshape(3, 1, 1, 1, 2);
        var problem = OdeProblem.Create(spec, c, ones(3, 1, 1, dtype: ScalarType.Float64), null, full(3, 49, 0.01, dtype: ScalarType.Float64), 50);
        var ex = Assert.Throws<IllPosedSystemException>(() => new BandedSolver { Backend = backend }.Solve(problem));
        Assert.StartsWith("Ill-posed ODE system: the normal matrix is singular: some solution mode is not pinned", ex.Message);
        Assert.Contains("1 batch member(s): [1]", ex.Message);
    }

    [Fact]
    public void An_ill_posed_error_always_names_a_member()
    {
        Assert.Throws<ArgumentException>(() => new IllPosedSystemException(Array.Empty<long>(), new long[] { 2 }, "x"));
    }
}

using MechNN.Ode;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Tests.Ode;

/// <summary>A problem the solvers cannot address is refused by <see cref="OdeProblem.Create"/> with its size, before any allocation.</summary>
public class ProblemSizeTests
{
    private static readonly OdeSpec Spec = new(2) { InitialSteps = 1, InitialOrders = 2 };

    // Every input broadcasts along the step axis, so even a huge T allocates nothing here.
    private static OdeProblem Create(int steps) => OdeProblem.Create(Spec,
        tensor(new double[] { 1, 0, 1 }, dtype: ScalarType.Float64).reshape(1, 1, 1, 3), zeros(1, 1, dtype: ScalarType.Float64),
        ones(new long[] { 1, 1, 2 }, dtype: ScalarType.Float64), full(1, 1e-9, dtype: ScalarType.Float64), stepCount: steps);

    [Fact]
    public void A_member_beyond_int_max_values_is_refused_with_its_size_and_the_largest_that_fits_is_accepted()
    {
        // n = D·(R+1) = 3: one member's factor holds T·9 values.
        int largest = int.MaxValue / 9;
        Assert.Equal(largest, Create(largest).StepCount);
        var ex = Assert.Throws<OdeInputException>(() => Create(largest + 1));
        Assert.Contains("Problem too large: T = 238,609,295 steps × n² = 9 (n = 3 unknowns per step) is 2,147,483,655 values (16.0 GiB)", ex.Message);
        Assert.Contains("split the time axis", ex.Message);
    }

    [Fact]
    public void A_step_axis_longer_than_int_max_is_refused_not_wrapped()
    {
        var c = tensor(new double[] { 1, 0, 1 }, dtype: ScalarType.Float64).reshape(1, 1, 1, 3);
        // A zero-stride view: 2³¹ + 1 steps of one stored value.
        var h = full(1, 0.1, dtype: ScalarType.Float64).expand(1L << 31);
        var ex = Assert.Throws<OdeInputException>(() => OdeProblem.Create(Spec, c, zeros(1, 1, dtype: ScalarType.Float64), ones(new long[] { 1, 1, 2 }, dtype: ScalarType.Float64), h));
        Assert.Contains("T = 2,147,483,649 steps is more than one problem can hold", ex.Message);
    }
}

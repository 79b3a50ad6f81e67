using MechNN.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Tests.Tensors;

public class ValueScanTests
{
    /// <summary>Every position (vector body and scalar tail) and every bad value is seen, in both float dtypes.</summary>
    [Theory]
    [InlineData(ScalarType.Float64)]
    [InlineData(ScalarType.Float32)]
    public void A_bad_value_anywhere_is_found(ScalarType dtype)
    {
        foreach (var n in new[] { 1, 3, 4, 7, 8, 13, 33 })
        {
            var x = full(n, 0.5, dtype: dtype);
            Assert.True(ValueScan.AllFinite(x, positive: true));
            for (int i = 0; i < n; i++)
            {
                foreach (var bad in new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity })
                {
                    var y = x.clone();
                    y[i] = tensor(bad, dtype: dtype);
                    Assert.False(ValueScan.AllFinite(y), $"n = {n}, {bad} at {i}");
                }
                foreach (var notPositive in new[] { 0.0, -1.0 })
                {
                    var y = x.clone();
                    y[i] = tensor(notPositive, dtype: dtype);
                    Assert.True(ValueScan.AllFinite(y), $"n = {n}, {notPositive} at {i} is finite");
                    Assert.False(ValueScan.AllFinite(y, positive: true), $"n = {n}, {notPositive} at {i}");
                }
            }
        }
    }

    [Fact]
    public void Views_with_an_offset_are_scanned_from_their_own_start()
    {
        var x = tensor(new[] { double.NaN, 1, 2, 3, 4, 5 });
        Assert.True(ValueScan.AllFinite(x.narrow(0, 1, 5), positive: true));
        Assert.False(ValueScan.AllFinite(x.narrow(0, 0, 5)));
    }

    [Fact]
    public void Tensors_it_cannot_scan_in_place_are_left_to_the_caller()
    {
        Assert.Null(ValueScan.AllFinite(ones(4, 3, dtype: ScalarType.Float64).t()));     // not contiguous
        Assert.Null(ValueScan.AllFinite(ones(4, dtype: ScalarType.Float16)));
        Assert.True(ValueScan.AllFinite(empty(0, dtype: ScalarType.Float64)));
    }
}

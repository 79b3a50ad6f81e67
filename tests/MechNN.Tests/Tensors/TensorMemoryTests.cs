using MechNN.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Tests.Tensors;

public unsafe class TensorMemoryTests
{
    [Fact]
    public void Raw_access_reaches_the_end_of_a_tensor_larger_than_a_span_can_cover()
    {
        // 2 GiB + 8 bytes, uninitialised: the pages are only reserved, and the test touches the last one.
        long count = (1L << 28) + 1;
        using var big = empty(count, dtype: ScalarType.Float64);
        double* p = TensorMemory.Pointer(big);
        p[count - 1] = 42;
        Assert.Equal(42, big[count - 1].item<double>());
    }

    [Fact]
    public void Raw_access_to_a_view_starts_at_its_own_first_element()
    {
        using var x = arange(10, dtype: ScalarType.Float64);
        using var tail = x.narrow(0, 3, 7);
        Assert.Equal(3, TensorMemory.Pointer(tail)[0]);
    }
}

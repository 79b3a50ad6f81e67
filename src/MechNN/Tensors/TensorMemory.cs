using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Tensors;

/// <summary>Raw access to the storage of contiguous float64 CPU tensors (native memory: it does not move).</summary>
internal static unsafe class TensorMemory
{
    public static double* Pointer(Tensor t)
    {
        if (t.device_type != DeviceType.CPU || t.dtype != ScalarType.Float64 || !t.is_contiguous())
            throw new InvalidOperationException("internal: raw access needs a contiguous float64 CPU tensor");
        if (t.numel() == 0) return null;
        // The storage pointer, not t.bytes: a Span cannot cover a tensor of more than int.MaxValue bytes (2 GiB).
        return (double*)t.storage<double>().data_ptr() + t.storage_offset();
    }
}

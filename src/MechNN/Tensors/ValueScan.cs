using System.Runtime.Intrinsics;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Tensors;

/// <summary>
/// Value checks on contiguous float32/float64 CPU tensors as one pass over their memory: no temporaries, no
/// dispatch (the torch reductions they replace cost more than the fused solve of a small batch). Tensors of other
/// kinds (CUDA, views that are not contiguous, other dtypes) answer null: the caller checks them with torch ops.
/// </summary>
internal static unsafe class ValueScan
{
    /// <summary>True when every element is finite (and, with <paramref name="positive"/>, &gt; 0); null when not scannable.</summary>
    public static bool? AllFinite(Tensor x, bool positive = false)
    {
        if (x.device_type != DeviceType.CPU || !x.is_contiguous()) return null;
        long n = x.numel();
        if (n == 0) return true;
        return x.dtype switch
        {
            ScalarType.Float64 => Scan((double*)x.storage<double>().data_ptr() + x.storage_offset(), n, positive),
            ScalarType.Float32 => Scan((float*)x.storage<float>().data_ptr() + x.storage_offset(), n, positive),
            _ => null,
        };
    }

    // x·0 is 0 for finite x and NaN for ±∞ and NaN, so one sum holds the finiteness of every element; the minimum
    // the sign. Both reductions are branch-free over whole vectors.
    private static bool Scan<T>(T* p, long n, bool positive) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var zero = Vector256<T>.Zero;
        var sum = zero;
        var min = Vector256.Create(T.One);
        long i = 0;
        for (; i + Vector256<T>.Count <= n; i += Vector256<T>.Count)
        {
            var v = Vector256.Load(p + i);
            sum += v * zero;
            min = Vector256.Min(min, v);
        }
        T tailSum = T.Zero, tailMin = T.One;
        for (; i < n; i++) { tailSum += p[i] * T.Zero; tailMin = T.Min(tailMin, p[i]); }
        bool finite = T.IsFinite(Vector256.Sum(sum) + tailSum);
        bool signed = !positive || (Vector256.GreaterThanAll(min, zero) && tailMin > T.Zero);
        return finite && signed;
    }
}

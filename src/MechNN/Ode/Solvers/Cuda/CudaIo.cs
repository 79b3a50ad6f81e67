using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Ode.Solvers.Cuda;

/// <summary>One source of the gather kernel: <c>struct Strided</c> in Kernels/io.cuh, field for field.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct StridedArray
{
    public const int MaxDims = 6;
    public IntPtr P, Cols;
    public long Length;
    public int F32, Positive, Rank, BatchRank;
    public fixed long Size[MaxDims];
    public fixed long Stride[MaxDims];
}

/// <summary>The gather kernel's parameter block (<c>struct GatherArgs</c>): up to four sources.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct GatherArgs
{
    public const int Max = 4;
    public StridedArray A0, A1, A2, A3;
    public long B;
    public IntPtr Flag;
    public int Count, Pad;
}

/// <summary>One array of a tiled copy (<c>struct Tiled</c>): the caller's contiguous (B, length) rows and the columns.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TiledArray
{
    public IntPtr Rows, Cols;
    public long Length;
    public int F32, Positive;
}

/// <summary>The parameter block of the tiled gather and of the scatter (<c>struct TiledArgs</c>): up to five arrays.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct TiledArgs
{
    public const int Max = 5, Tile = 32;
    public TiledArray A0, A1, A2, A3, A4;
    public fixed long TileStart[Max + 1];
    public long B;
    public IntPtr Flag;
    public int Count, Pad;
}

/// <summary>
/// Describes the caller's tensors to the gather and scatter kernels, so that the inputs reach the solve kernels and the
/// outputs the caller without torch ops: a tensor is read in place through its own strides (broadcast axes get stride
/// 0), in float64 or float32.
/// </summary>
internal static unsafe class CudaIo
{
    /// <summary>Element address of a float64 or float32 tensor (device or, under the test emulator, host memory).</summary>
    public static IntPtr Address(Tensor t) => t.dtype == ScalarType.Float32
        ? t.storage<float>().data_ptr() + (nint)(t.storage_offset() * sizeof(float))
        : t.storage<double>().data_ptr() + (nint)(t.storage_offset() * sizeof(double));

    /// <summary>True for the dtypes the kernels read and write directly.</summary>
    public static bool Direct(ScalarType dtype) => dtype is ScalarType.Float64 or ScalarType.Float32;

    /// <summary>
    /// <paramref name="x"/> broadcast to (batch…, trailing…) as a (B, length) source writing columns at
    /// <paramref name="cols"/>; false when its dtype or (after merging axes) its rank is beyond the kernel.
    /// </summary>
    public static bool TryDescribe(Tensor x, long[] batch, long[] trailing, IntPtr cols, bool positive, out StridedArray s)
    {
        s = default;
        if (!Direct(x.dtype)) return false;
        long[] shape = x.shape, stride = x.stride();
        int rank = batch.Length + trailing.Length, offset = rank - shape.Length;
        Span<long> sizes = stackalloc long[rank], strides = stackalloc long[rank];
        int count = 0, batchRank = 0;
        for (int part = 0; part < 2; part++)
        {
            int from = part == 0 ? 0 : batch.Length, to = part == 0 ? batch.Length : rank, first = count;
            for (int d = from; d < to; d++)
            {
                long full = d < batch.Length ? batch[d] : trailing[d - batch.Length];
                if (full == 1) continue;
                long st = d < offset || shape[d - offset] == 1 ? 0 : stride[d - offset];
                // Row-major neighbours merge when the outer stride steps over the whole inner axis (broadcast: 0 = 0).
                if (count > first && strides[count - 1] == st * full) { sizes[count - 1] *= full; strides[count - 1] = st; }
                else { sizes[count] = full; strides[count] = st; count++; }
            }
            if (part == 0) batchRank = count;
        }
        if (count > StridedArray.MaxDims) return false;
        s.P = Address(x);
        s.Cols = cols;
        s.Length = trailing.Aggregate(1L, (a, b) => a * b);
        s.F32 = x.dtype == ScalarType.Float32 ? 1 : 0;
        s.Positive = positive ? 1 : 0;
        s.Rank = count;
        s.BatchRank = batchRank;
        for (int d = 0; d < count; d++) { s.Size[d] = sizes[d]; s.Stride[d] = strides[d]; }
        return true;
    }

    /// <summary>
    /// The tiled kernels' view of <paramref name="s"/> when it is the common case: contiguous (B, length) rows with
    /// nothing broadcast (the tiled copy reads both sides a warp-wide line at a time); false otherwise.
    /// </summary>
    public static bool TryRows(in StridedArray s, long batch, out TiledArray rows)
    {
        rows = default;
        bool contiguousRows = batch == 1
            ? s.Rank == 1 && s.BatchRank == 0 && s.Stride[0] == 1 || s.Length == 1 && s.Rank == 0
            : s.BatchRank == 1 && (s.Length == 1 ? s.Rank == 1 && s.Stride[0] == 1 : s.Rank == 2 && s.Stride[1] == 1 && s.Stride[0] == s.Length);
        if (!contiguousRows) return false;
        rows = new TiledArray { Rows = s.P, Cols = s.Cols, Length = s.Length, F32 = s.F32, Positive = s.Positive };
        return true;
    }

    /// <summary>A destination: the columns at <paramref name="cols"/> into the contiguous (B, length) rows of <paramref name="to"/>.</summary>
    public static TiledArray Rows(IntPtr cols, Tensor to, long length) => new()
    {
        Cols = cols, Rows = Address(to), Length = length, F32 = to.dtype == ScalarType.Float32 ? 1 : 0,
    };

    /// <summary>Entry <paramref name="index"/> of a parameter block's sequential array fields.</summary>
    public static ref T At<T>(ref T first, int index) where T : struct => ref Unsafe.Add(ref first, index);
}

using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Ode.Solvers.Cuda;

/// <summary>
/// The (length, B) float64 arrays of one forward or backward pass carved from a single device allocation: one
/// allocation instead of one per array (each is host time on a small solve). Arrays start on 256-byte boundaries so
/// that a warp's members read whole sectors. Under the test emulator the memory is on the CPU and starts as NaN, so a
/// kernel that reads what it never wrote fails the tests.
/// </summary>
internal sealed unsafe class CudaWorkspace(long batch, Device device)
{
    private const long Align = 32;   // doubles
    private readonly List<(long Offset, long Rows)> _arrays = new();
    private long _total;
    private Tensor? _memory;
    private IntPtr _base;

    /// <summary>Reserves a (rows, B) array, or one of <paramref name="rows"/> values for the whole batch; returns its handle.</summary>
    public int Add(long rows, bool perMember = true)
    {
        _arrays.Add((_total, Math.Max(rows, 1)));
        _total += (Math.Max(rows, 1) * (perMember ? batch : 1) + Align - 1) / Align * Align;
        return _arrays.Count - 1;
    }

    /// <summary>Allocates every reserved array at once (after the last <see cref="Add"/>).</summary>
    public void Allocate()
    {
        _memory = CudaKernels.Emulator is null
            ? empty(_total, dtype: ScalarType.Float64, device: device)
            : full(_total, double.NaN, dtype: ScalarType.Float64, device: device);
        _base = CudaIo.Address(_memory);
    }

    public IntPtr Pointer(int array) => _base + (nint)(_arrays[array].Offset * sizeof(double));

    /// <summary>A (rows, B) view of a per-member array (for the slow paths that read it with torch ops).</summary>
    public Tensor View(int array) => Memory.narrow(0, _arrays[array].Offset, _arrays[array].Rows * batch).view(_arrays[array].Rows, batch);

    private Tensor Memory => _memory ?? throw new InvalidOperationException("internal: workspace not allocated");
}

using MechNN.Ode.Rows;
using MechNN.Ode.Solvers.Fused;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Ode.Solvers.Cuda;

/// <summary>
/// The fused GPU solve: mnn_kernels.cu does what <see cref="FusedSystem"/> does on (length, B) arrays (member index
/// fastest, so warps read consecutive addresses). One launch factorises, solves and refines every member; one launch
/// does the whole backward; torch ops only reorder inputs and outputs. Many members: one thread per member. Few
/// members with many steps: one thread block per member, its threads splitting the
/// steps into chunks joined by a separator system (<see cref="Chunks"/> &gt; 0), so the dependent chain is O(T/P + P).
/// </summary>
internal sealed unsafe class CudaSystem : FusedKernelSystem
{
    private readonly FusedLayout _l;
    private readonly CudaLayout _layout;
    private readonly long _batch;
    private readonly int _ordinal, _lenIv, _batchDims;
    private readonly Device _device;
    // Inputs (len, B); factorisation d0, d1, d2, border mv, A⁻¹m z2, 1/Schur; solution x, ε; scratch r.
    private readonly Tensor _c, _b, _iv, _h, _d0, _d1, _d2, _mv, _z2, _invSchur, _x, _eps, _r;
    // Chunked path: A_I⁻¹E, A_I⁻¹F per step; separator blocks and vectors per chunk.
    private readonly Tensor[] _chunkState = [];
    private readonly Tensor _status;

    /// <summary>Threads (chunks) per member on the parallel-in-time path; 0 on the one-thread-per-member path.</summary>
    public int Chunks { get; }

    // Read only when the verdict says a member failed: on the happy path they cost nothing.
    public override Tensor Info => _status[0].to_type(ScalarType.Int32);
    public override Tensor MinPivot => _status[1];
    public override Tensor Unpinned => _status[2].ne(0);
    public override Tensor RelativeSchur => _status[3];

    /// <summary>One read of the kernels' per-member verdict (see mnn_kernels.cu): false when every member is fine.</summary>
    public override bool MayBeIllPosed => _status[4].max().item<double>() != 0;

    public CudaSystem(OdeProblem p, int refinements) : base(p)
    {
        _l = new FusedLayout(p.Layout);
        _batch = p.BatchSize;
        _layout = CudaLayout.From(_l, _batch, refinements);
        _device = p.Coefficients.device;
        _ordinal = Math.Max(0, (int)_device.index);
        var bs = p.BatchShape;
        int T = _l.T, n = _l.N, nn = n * n;
        _batchDims = bs.Length;
        _c = Columns(p.AlignBatch(p.Coefficients, 4).expand(bs.Concat(new long[] { T, _l.E, _l.D, _l.R1 }).ToArray()));
        _b = Columns(p.AlignBatch(p.Rhs, 2).expand(bs.Concat(new long[] { T, _l.E }).ToArray()));
        _lenIv = _l.S * _l.D * _l.K;
        _iv = _l.S > 0 ? Columns(p.AlignBatch(p.InitialValues, 3).expand(bs.Concat(new long[] { _l.S, _l.D, _l.K }).ToArray())) : Buffer(1);
        _h = Columns(p.AlignBatch(p.Steps, 1).expand(bs.Append(T - 1).ToArray()));
        Chunks = ChooseChunks(p.Layout, _batch);
        _layout.Chunks = Chunks;
        _d0 = Buffer(T * nn); _d1 = Buffer(T * nn); _d2 = Buffer(_l.Central ? (T - 2) * nn : 1);
        _mv = Buffer(_l.Epsilon ? T * n : 1); _z2 = Buffer(_l.Epsilon ? T * n : 1);
        _invSchur = Buffer(1); _x = Buffer(T * n); _eps = Buffer(1); _r = Buffer(T * n);
        _status = Buffer(5);
        var status = _status;
        if (Chunks > 0)
        {
            int ws = _l.Central ? 2 : 1, sn = ws * n;
            // W_E, W_F (T·n·sn); separator diagonal, off-diagonal, owed part (P·sn²); E, F rows (P·ws·n·sn); vectors (P·sn).
            _chunkState = [Buffer(T * n * sn), Buffer(T * n * sn), Buffer(Chunks * sn * sn), Buffer(Chunks * sn * sn), Buffer(Chunks * sn * sn),
                Buffer(Chunks * ws * n * sn), Buffer(Chunks * ws * n * sn), Buffer(Chunks * sn), Buffer(Chunks * sn)];
            Launch(ChunkedKind("forward"), [_c, _b, _iv, _h, _d0, _d1, _d2, _mv, _z2, _invSchur, .. _chunkState, status, _x, _eps, _r]);
        }
        else Launch("forward", _c, _b, _iv, _h, _d0, _d1, _d2, _mv, _z2, _invSchur, status, _x, _eps, _r);
    }

    public override (Tensor X, Tensor Eps) Solution() => (_x.t(), _eps.reshape(-1));

    protected override (Tensor C, Tensor B, Tensor Iv, Tensor H) KernelBackward(Tensor g, Tensor gEps)
    {
        int T = _l.T, n = _l.N, E = _l.E;
        Tensor gCols = Columns(g, batchDims: 1), geCols = Columns(gEps.reshape(-1, 1), batchDims: 1);
        Tensor lam = Buffer(T * n), gc = Buffer(T * E * n), gb = Buffer(T * E), giv = Buffer(Math.Max(_lenIv, 1)), gh = Buffer(T - 1);
        if (Chunks > 0)
            Launch(ChunkedKind("backward"), [_c, _b, _iv, _h, _d0, _d1, _d2, _mv, _z2, _invSchur, .. _chunkState, _x, _eps, gCols, geCols, lam, _r, gc, gb, giv, gh]);
        else Launch("backward", _c, _b, _iv, _h, _d0, _d1, _d2, _mv, _z2, _invSchur, _x, _eps, gCols, geCols, lam, _r, gc, gb, giv, gh);
        return (gc.t(), gb.t(), giv.t().narrow(1, 0, _lenIv), gh.t());
    }

    /// <summary>chunked1_… (separators of one step) or chunked2_… (two steps: central rows couple two steps apart).</summary>
    private string ChunkedKind(string pass) => $"chunked{(_l.Central ? 2 : 1)}_{pass}";

    /// <summary>
    /// Chunks per member for the parallel-in-time kernels, or 0. They pay where members are too few to fill the GPU
    /// and chains long (T ≥ 256, B ≤ 4096); P ≈ √(T·(2n+1)) balances the chunk work (factor + 2n solves of T/P steps)
    /// against thread 0's P separator steps; at least four steps per chunk, at most 256 threads (register budget).
    /// </summary>
    public static int ChooseChunks(RowLayout l, long batch)
    {
        if (!CudaKernels.HasChunked(l) || l.T < 256 || batch > 4096) return 0;
        int p = (int)Math.Sqrt((double)l.T * (2 * l.N + 1)) / 32 * 32;
        return Math.Clamp(Math.Min(p, l.T / 4 / 32 * 32), 32, 256);
    }

    /// <summary>(batch…, …) → (len, B) float64 contiguous on the device: batch dims moved last, one copy (also of
    /// broadcast inputs, which it materialises).</summary>
    private Tensor Columns(Tensor full, int? batchDims = null)
    {
        int nb = batchDims ?? _batchDims, nd = (int)full.dim();
        var order = Enumerable.Range(nb, nd - nb).Concat(Enumerable.Range(0, nb)).Select(i => (long)i).ToArray();
        return full.to_type(ScalarType.Float64).permute(order).contiguous().view(-1, _batch);
    }

    // Under the test emulator every buffer starts as NaN, so a kernel that reads memory it never wrote fails the tests
    // (on a GPU such memory is whatever the caching allocator last held there).
    private Tensor Buffer(long length) => CudaKernels.Emulator is null
        ? empty(new[] { Math.Max(length, 1), _batch }, dtype: ScalarType.Float64, device: _device)
        : full(new[] { Math.Max(length, 1), _batch }, double.NaN, dtype: ScalarType.Float64, device: _device);

    private void Launch(string kind, params Tensor[] arrays)
    {
        var name = CudaKernels.EntryName(kind, _l.Source);
        var emulator = CudaKernels.Emulator;
        var function = emulator is null ? CudaKernels.Function(_ordinal, name) : IntPtr.Zero;
        bool chunked = kind.StartsWith("chunked", StringComparison.Ordinal);
        var layout = _layout;
        var pointers = stackalloc IntPtr[arrays.Length];
        var args = stackalloc void*[arrays.Length + 1];
        args[0] = &layout;
        for (int i = 0; i < arrays.Length; i++)
        {
            pointers[i] = DevicePointer(arrays[i]);
            args[i + 1] = &pointers[i];
        }
        var (grid, block) = chunked ? ((uint)_batch, (uint)Chunks)
            : ((uint)((_batch + CudaKernels.ThreadsPerBlock - 1) / CudaKernels.ThreadsPerBlock), (uint)CudaKernels.ThreadsPerBlock);
        if (emulator is not null) emulator(name, grid, block, (IntPtr)args);
        else CudaDriver.Launch(function, grid, block, args);
    }

    private IntPtr DevicePointer(Tensor t)
    {
        var expected = CudaKernels.Emulator is null ? DeviceType.CUDA : DeviceType.CPU;
        if (t.device_type != expected || t.dtype != ScalarType.Float64 || !t.is_contiguous() || t.device.index != _device.index)
            throw new InvalidOperationException("internal: the CUDA kernels need contiguous float64 tensors on the problem's device");
        return t.storage<double>().data_ptr() + (nint)(t.storage_offset() * sizeof(double));
    }
}

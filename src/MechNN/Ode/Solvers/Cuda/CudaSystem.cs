using MechNN.Ode.Rows;
using MechNN.Ode.Solvers.Fused;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Ode.Solvers.Cuda;

/// <summary>
/// The fused GPU solve: mnn_kernels.cu does what <see cref="FusedSystem"/> does on (length, B) arrays (member index
/// fastest, so warps read consecutive addresses). A forward is one allocation and five driver calls, one of them a
/// wait: zero the batch's verdict word, gather (the caller's inputs into columns, their values checked), one launch
/// that factorises, solves and refines every member, scatter (the solution into the caller's layout and dtype), read
/// the verdict word; the backward is gather, one launch, scatter. Torch ops run only to allocate, and on the slow paths
/// (a failed verdict, broadcast inputs' gradients). Many members: one thread per member. Few members with many steps: one thread block per member, its
/// threads splitting the steps into chunks joined by a separator system (<see cref="Chunks"/> &gt; 0), so the
/// dependent chain is O(T/P + P).
/// </summary>
internal sealed unsafe class CudaSystem : FusedKernelSystem
{
    private const uint CopyThreads = 256;   // gather and scatter
    private readonly FusedLayout _l;
    private readonly CudaLayout _layout;
    private readonly long _batch;
    private readonly int _ordinal, _lenIv;
    private readonly CudaWorkspace _ws;
    // Arrays of _ws: inputs c, b, iv, h; factorisation d0, d1, d2, border mv, A⁻¹m z2, 1/Schur; solution x, ε; scratch r;
    // per-member status (5, B); the batch's verdict word.
    private readonly int _c, _b, _iv, _h, _d0, _d1, _d2, _mv, _z2, _invSchur, _x, _eps, _r, _status, _flag;
    // Chunked path: A_I⁻¹E, A_I⁻¹F per step; separator blocks and vectors per chunk.
    private readonly int[] _chunkState = [];
    private bool? _flagged;

    /// <summary>Threads (chunks) per member on the parallel-in-time path; 0 on the one-thread-per-member path.</summary>
    public int Chunks { get; }

    // Read only when the verdict says a member failed: on the happy path they cost nothing.
    public override Tensor Info => _ws.View(_status)[0].to_type(ScalarType.Int32);
    public override Tensor MinPivot => _ws.View(_status)[1];
    public override Tensor Unpinned => _ws.View(_status)[2].ne(0);
    public override Tensor RelativeSchur => _ws.View(_status)[3];

    /// <summary>The one read of a healthy forward: the word that the gather (bad input values) and the solve kernels
    /// (a failed member, see mnn_kernels.cu) set; false when every member is fine.</summary>
    public override bool MayBeIllPosed => _flagged ??= ReadFlag();

    public CudaSystem(OdeProblem p, int refinements) : base(p)
    {
        _l = new FusedLayout(p.Layout);
        _batch = p.BatchSize;
        _layout = CudaLayout.From(_l, _batch, refinements);
        var device = p.Coefficients.device;
        _ordinal = Math.Max(0, (int)device.index);
        if (CudaKernels.Emulator is null) CudaDriver.UseDevice(_ordinal);
        int T = _l.T, n = _l.N, nn = n * n;
        _lenIv = _l.S * _l.D * _l.K;
        Chunks = ChooseChunks(p.Layout, _batch);
        _layout.Chunks = Chunks;
        _ws = new CudaWorkspace(_batch, device);
        _c = _ws.Add(T * _l.E * n); _b = _ws.Add(T * _l.E); _iv = _ws.Add(_lenIv); _h = _ws.Add(T - 1);
        _d0 = _ws.Add(T * nn); _d1 = _ws.Add(T * nn); _d2 = _ws.Add(_l.Central ? (T - 2) * nn : 1);
        _mv = _ws.Add(_l.Epsilon ? T * n : 1); _z2 = _ws.Add(_l.Epsilon ? T * n : 1);
        _invSchur = _ws.Add(1); _x = _ws.Add(T * n); _eps = _ws.Add(1); _r = _ws.Add(T * n);
        _status = _ws.Add(5); _flag = _ws.Add(1, perMember: false);
        if (Chunks > 0)
        {
            int ws = _l.Central ? 2 : 1, sn = ws * n;
            // W_E, W_F (T·n·sn); separator diagonal, off-diagonal, owed part (P·sn²); E, F rows (P·ws·n·sn); vectors (P·sn).
            _chunkState = [_ws.Add(T * n * sn), _ws.Add(T * n * sn), _ws.Add(Chunks * sn * sn), _ws.Add(Chunks * sn * sn), _ws.Add(Chunks * sn * sn),
                _ws.Add(Chunks * ws * n * sn), _ws.Add(Chunks * ws * n * sn), _ws.Add(Chunks * sn), _ws.Add(Chunks * sn)];
        }
        _ws.Allocate();
        ZeroFlag(_ws.Pointer(_flag));
        var trailing = InputTrailing();
        var sources = new List<(Tensor, long[], int, bool)>
        {
            (p.Coefficients, trailing[0], _c, false), (p.Rhs, trailing[1], _b, false), (p.Steps, trailing[3], _h, true),
        };
        if (_l.S > 0) sources.Add((p.InitialValues, trailing[2], _iv, false));
        Gather(_ws, sources, _ws.Pointer(_flag));
        Launch(Chunks > 0 ? ChunkedKind("forward") : "forward", FactorArrays().Concat(new[] { _status, _x, _eps, _r, _flag }.Select(_ws.Pointer)).ToArray());
    }

    public override (Tensor X, Tensor Eps) Solution() => (_ws.View(_x).t(), _ws.View(_eps).reshape(-1));

    /// <summary>The solution, written by the scatter kernel straight into U (…, T, D, R+1) and ε (…) of the problem's dtype.</summary>
    /// <exception cref="OdeInputException">Some input value is not finite, or some step not positive.</exception>
    /// <exception cref="IllPosedSystemException">Some member is ill-posed or its solution not finite.</exception>
    public override (Tensor U, Tensor Eps) Solve()
    {
        var p = Problem;
        var dtype = p.Coefficients.dtype;
        var kind = CudaIo.Direct(dtype) ? dtype : ScalarType.Float64;
        var device = p.Coefficients.device;
        // Queued before the verdict is read, so this host work overlaps the solve; thrown away if the verdict fails.
        Tensor u = empty(p.SolutionShape, dtype: kind, device: device), eps = empty(p.BatchShape, dtype: kind, device: device);
        Scatter([CudaIo.Rows(_ws.Pointer(_x), u, _l.T * _l.N), CudaIo.Rows(_ws.Pointer(_eps), eps, 1)]);
        if (MayBeIllPosed)
        {
            p.EnsureValuesChecked();   // bad inputs are named as such first
            Verify(Solution().X);
        }
        return kind == dtype ? (u, eps) : (u.to_type(dtype), eps.to_type(dtype));
    }

    /// <summary>λ = M⁻¹·(gU, gε) (refined) and the input gradients: one gather, one launch, one scatter. A gradient goes
    /// straight into a tensor of its input's shape and dtype, unless the input was broadcast (then torch sums it down).</summary>
    public override InputGradients Backward(Tensor gU, Tensor gEps, bool[] needs)
    {
        var p = Problem;
        int T = _l.T, n = _l.N, E = _l.E;
        var ws = new CudaWorkspace(_batch, p.Coefficients.device);
        int g = ws.Add(T * n), ge = ws.Add(1), lam = ws.Add(T * n), gc = ws.Add(T * E * n), gb = ws.Add(T * E), giv = ws.Add(_lenIv),
            gh = ws.Add(T - 1), flag = ws.Add(1, perMember: false);
        ws.Allocate();
        long[] solution = [T, _l.D, _l.R1];
        Gather(ws, [(gU, solution, g, false), (gEps, [], ge, false)], ws.Pointer(flag));
        var pointers = FactorArrays().Concat(new[] { _ws.Pointer(_x), _ws.Pointer(_eps), ws.Pointer(g), ws.Pointer(ge), ws.Pointer(lam),
            _ws.Pointer(_r), ws.Pointer(gc), ws.Pointer(gb), ws.Pointer(giv), ws.Pointer(gh) });
        Launch(Chunks > 0 ? ChunkedKind("backward") : "backward", pointers.ToArray());

        var trailing = InputTrailing();
        var inputs = new[] { p.Coefficients, p.Rhs, p.InitialValues, p.Steps };
        var columns = new[] { gc, gb, giv, gh };
        var results = new Tensor?[4];
        var rows = new List<TiledArray>();
        var reduce = new List<int>();
        for (int i = 0; i < 4; i++)
        {
            if (!needs[i]) continue;
            if (i == 2 && _l.S == 0) { results[i] = zeros_like(p.InitialValues); continue; }
            var input = inputs[i];
            long length = trailing[i].Aggregate(1L, (a, b) => a * b);
            // Same element count as the full (B, length) gradient: the input was not broadcast, so its contiguous rows are it.
            bool direct = input.numel() == _batch * length && CudaIo.Direct(input.dtype);
            if (!direct) reduce.Add(i);
            results[i] = direct ? empty(input.shape, dtype: input.dtype, device: input.device)
                : empty(new[] { _batch, length }, dtype: ScalarType.Float64, device: input.device);
            rows.Add(CudaIo.Rows(ws.Pointer(columns[i]), results[i]!, length));
        }
        if (rows.Count > 0) Scatter(rows);
        foreach (var i in reduce) results[i] = ToInput(results[i]!, inputs[i], trailing[i]);
        return new InputGradients(results[0], results[1], results[2], results[3]);
    }

    /// <summary>The parameters both passes start with: inputs, factorisation, and the chunked path's separator state.</summary>
    private IEnumerable<IntPtr> FactorArrays() =>
        new[] { _c, _b, _iv, _h, _d0, _d1, _d2, _mv, _z2, _invSchur }.Concat(_chunkState).Select(_ws.Pointer);

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

    /// <summary>
    /// The sources (tensor, trailing shape, destination array, steps?) as float64 columns of <paramref name="ws"/>,
    /// also setting the word at <paramref name="flag"/> on a non-finite value or a step that is not positive: the
    /// contiguous (B, length) ones in one tiled launch, any others (broadcast, strided) in one strided launch. A source
    /// beyond the kernels' reach (another dtype, too many axes after merging) is copied first.
    /// </summary>
    private void Gather(CudaWorkspace ws, IReadOnlyList<(Tensor X, long[] Trailing, int To, bool Steps)> sources, IntPtr flag)
    {
        var strided = new GatherArgs { B = _batch, Flag = flag };
        var rows = new List<TiledArray>();
        var keep = new List<Tensor>();
        long most = 0;
        foreach (var (x, trailing, to, steps) in sources)
        {
            var batch = Problem.BatchShape;
            if (!CudaIo.TryDescribe(x, batch, trailing, ws.Pointer(to), steps, out var s))
            {
                var copy = x.to_type(ScalarType.Float64).contiguous();
                keep.Add(copy);
                if (!CudaIo.TryDescribe(copy, batch, trailing, ws.Pointer(to), steps, out s))
                    throw new InvalidOperationException("internal: a contiguous float64 input must fit the gather kernel");
            }
            if (CudaIo.TryRows(s, _batch, out var r)) { rows.Add(r); continue; }
            CudaIo.At(ref strided.A0, strided.Count++) = s;
            most = Math.Max(most, s.Length * _batch);
        }
        if (rows.Count > 0) Tiled("mnn_gather_rows", rows, flag);
        if (strided.Count > 0) LaunchCopy("mnn_gather", &strided, (uint)((most + CopyThreads - 1) / CopyThreads));
        GC.KeepAlive(keep);
    }

    private void Scatter(IReadOnlyList<TiledArray> rows) => Tiled("mnn_scatter", rows, IntPtr.Zero);

    /// <summary>One launch of a tiled copy: arrays one after another, one thread block per 32 × 32 tile.</summary>
    private void Tiled(string name, IReadOnlyList<TiledArray> arrays, IntPtr flag)
    {
        var args = new TiledArgs { B = _batch, Flag = flag, Count = arrays.Count };
        long tilesM = (_batch + TiledArgs.Tile - 1) / TiledArgs.Tile, start = 0;
        for (int k = 0; k < arrays.Count; k++)
        {
            CudaIo.At(ref args.A0, k) = arrays[k];
            args.TileStart[k] = start;
            start += tilesM * ((arrays[k].Length + TiledArgs.Tile - 1) / TiledArgs.Tile);
        }
        args.TileStart[arrays.Count] = start;
        LaunchCopy(name, &args, (uint)start);
    }

    private void LaunchCopy(string name, void* parameters, uint grid)
    {
        var args = stackalloc void*[1];
        args[0] = parameters;
        CudaKernels.Launch(_ordinal, name, grid, CopyThreads, args);
    }

    private void Launch(string kind, IntPtr[] pointers)
    {
        bool chunked = kind.StartsWith("chunked", StringComparison.Ordinal);
        var layout = _layout;
        var args = stackalloc void*[pointers.Length + 1];
        args[0] = &layout;
        fixed (IntPtr* p = pointers)
        {
            for (int i = 0; i < pointers.Length; i++) args[i + 1] = &p[i];
            var (grid, block) = chunked ? ((uint)_batch, (uint)Chunks)
                : ((uint)((_batch + CudaKernels.ThreadsPerBlock - 1) / CudaKernels.ThreadsPerBlock), (uint)CudaKernels.ThreadsPerBlock);
            CudaKernels.Launch(_ordinal, CudaKernels.EntryName(kind, _l.Source), grid, block, args);
        }
    }

    private static void ZeroFlag(IntPtr flag)
    {
        if (CudaKernels.Emulator is null) CudaDriver.Fill(flag, 0, 2);
        else *(ulong*)flag = 0;
    }

    private bool ReadFlag()
    {
        var at = _ws.Pointer(_flag);
        uint word;
        if (CudaKernels.Emulator is null) CudaDriver.Read(&word, at, sizeof(uint));
        else word = *(uint*)at;
        return word != 0;
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using MechNN.Tensors;
using TorchSharp;
using static TorchSharp.torch;
using static MechNN.Ode.Solvers.Fused.BlockKernels;
using V = System.Runtime.Intrinsics.Vector256<double>;

namespace MechNN.Ode.Solvers.Fused;

/// <summary>
/// The fused CPU kernel: the whole banded solve — assembly of the block normal matrix, blocked Cholesky (pivots normalised by the diagonal),
/// ε by Schur complement, substitutions, refinement from row residuals, the structural well-posedness test, and the
/// backward's adjoint solve and gradients — as plain loops over raw tensor memory. Members are packed four to a
/// <see cref="V"/> lane (SIMD across members) and packs run in parallel; no tensor ops and no allocation inside the
/// loops. Same maths as the torch-ops path (<see cref="Banded.BandedAssembler"/>, <see cref="Banded.RowAlgebra"/>,
/// <see cref="Banded.BandedGradients"/>); tests hold them together. Holds the factorisation between forward and backward.
/// </summary>
internal sealed unsafe class FusedSystem : FusedKernelSystem
{
    private static readonly int W = V.Count;
    private readonly FusedLayout _l;
    private readonly long _batch, _packs;
    // Packed inputs (P, len, W): c (T·E·n), b (T·E), iv (S·D·K), h (T−1), gathered per pack inside the kernel.
    private readonly Tensor _cT, _bT, _ivT, _hT;
    private readonly V* _c, _b, _iv, _h;
    // Factorisation: L blocks (T·n·n), ((T−1)·n·n), ((T−2)·n·n); border m, A⁻¹m (T·n); 1/Schur (1).
    private readonly Tensor _d0T, _d1T, _d2T, _mvT, _z2T, _invSchurT, _statusT;
    private readonly V* _d0, _d1, _d2, _mv, _z2, _invSchur, _status;
    private readonly int _len0, _len1, _len2, _lenIv;
    // The solution, packed (T·n) and ε (1), kept for the backward; and u in the caller's layout (B, T·n).
    private readonly Tensor _xT, _epsT, _uT;
    private readonly V* _x, _eps;
    private readonly int _refinements;
    private readonly bool _mayBeIllPosed;

    /// <summary>Bytes the kernel keeps between forward and backward (inputs, factor, solution): O(B·T·n²).</summary>
    public long StateBytes => new[] { _cT, _bT, _ivT, _hT, _d0T, _d1T, _d2T, _mvT, _z2T, _invSchurT, _statusT, _xT, _epsT }
        .Sum(t => t.numel() * t.element_size());
    public override Tensor Info => Unpack(_statusT).select(1, 0).to_type(ScalarType.Int32);
    public override Tensor MinPivot => Unpack(_statusT).select(1, 1).contiguous();
    public override Tensor Unpinned => Unpack(_statusT).select(1, 2).ne(0);
    public override Tensor RelativeSchur => Unpack(_statusT).select(1, 3).contiguous();
    /// <summary>The kernel's own verdict over every member (read from its status in place, no tensor op): the detailed
    /// checks run only when some member failed it.</summary>
    public override bool MayBeIllPosed => _mayBeIllPosed;

    /// <summary>Factorises and solves every member in one pass per pack (the factor is still hot in cache).</summary>
    public FusedSystem(OdeProblem p, int refinements) : base(p)
    {
        p.EnsureValuesChecked();
        _refinements = refinements;
        _l = new FusedLayout(p.Layout);
        _batch = p.BatchSize;
        _packs = (_batch + W - 1) / W;
        var bs = p.BatchShape;
        int T = _l.T, n = _l.N, nn = n * n;
        _lenIv = _l.S * _l.D * _l.K;
        // The caller's inputs as (B, len) float64 rows: views (no copy) when they are already full-size contiguous float64.
        var inputs = new[]
        {
            Rows(p.AlignBatch(p.Coefficients, 4).expand(bs.Concat(new long[] { T, _l.E, _l.D, _l.R1 }).ToArray())),
            Rows(p.AlignBatch(p.Rhs, 2).expand(bs.Concat(new long[] { T, _l.E }).ToArray())),
            _l.S > 0 ? Rows(p.AlignBatch(p.InitialValues, 3).expand(bs.Concat(new long[] { _l.S, _l.D, _l.K }).ToArray())) : null,
            Rows(p.AlignBatch(p.Steps, 1).expand(bs.Append(T - 1).ToArray())),
        };
        _cT = Packed(T * _l.E * n, zero: false); _bT = Packed(T * _l.E, zero: false);
        _ivT = Packed(Math.Max(_lenIv, 1)); _hT = Packed(T - 1, zero: false);
        _c = Ptr(_cT); _b = Ptr(_bT); _iv = Ptr(_ivT); _h = Ptr(_hT);
        var gather = new (IntPtr From, IntPtr To, int Length)[]
        {
            ((IntPtr)Raw(inputs[0]!), (IntPtr)_c, T * _l.E * n), ((IntPtr)Raw(inputs[1]!), (IntPtr)_b, T * _l.E),
            ((IntPtr)Raw(inputs[2]), (IntPtr)_iv, _lenIv), ((IntPtr)Raw(inputs[3]!), (IntPtr)_h, T - 1),
        };

        // Uninitialised: each pack zeroes its own slices in the kernel (cache-hot, one pass instead of two).
        (_len0, _len1, _len2) = (T * nn, (T - 1) * nn, _l.Central ? (T - 2) * nn : 0);
        int borderLength = _l.Epsilon ? T * n : 0;
        _d0T = Packed(_len0, zero: false); _d1T = Packed(_len1, zero: false); _d2T = Packed(Math.Max(_len2, 1), zero: false);
        _mvT = Packed(Math.Max(borderLength, 1), zero: false);
        _z2T = Packed(Math.Max(borderLength, 1), zero: false); _invSchurT = Packed(1);
        _statusT = Packed(Status); // per lane: info, min pivot, unpinned, relative Schur, solution not finite
        _d0 = Ptr(_d0T); _d1 = Ptr(_d1T); _d2 = Ptr(_d2T);
        _mv = Ptr(_mvT); _z2 = Ptr(_z2T); _invSchur = Ptr(_invSchurT); _status = Ptr(_statusT);

        _xT = Packed(T * n, zero: false);
        _epsT = Packed(1);
        _x = Ptr(_xT); _eps = Ptr(_epsT);
        _uT = empty(new long[] { _batch, T * n }, dtype: ScalarType.Float64);
        double* u = Raw(_uT);
        Parallel.For(0, _packs, () => new Scratch(T * n), (pk, _, s) =>
        {
            foreach (var (from, to, length) in gather)
                if (length > 0) Gather((double*)from, length, pk, (V*)to + pk * length);
            FactorisePack(pk);
            fixed (V* r = s.A) SolvePack(pk, r);
            Scatter(_x + pk * T * n, T * n, pk, u);
            return s;
        }, _ => { });
        GC.KeepAlive(inputs);   // the kernel read their memory through raw pointers
        _mayBeIllPosed = Verdict();
    }

    /// <summary>Status slots per lane.</summary>
    private const int Status = 5;

    /// <summary>
    /// True unless every member passed what <see cref="Wellposedness"/> checks: factorised, no suspicious pivot that the
    /// structural test confirmed, ε determined, solution finite. Padding lanes copy member 0, so all lanes are read.
    /// </summary>
    private bool Verdict()
    {
        var s = (double*)_status;
        for (long i = 0; i < _packs * Status * W; i += Status * W)
            for (int l = 0; l < W; l++)
            {
                double info = s[i + l], pivot = s[i + W + l], unpinned = s[i + 2 * W + l], schur = s[i + 3 * W + l], bad = s[i + 4 * W + l];
                bool suspicious = !(pivot >= Wellposedness.SuspiciousPivot);
                if (info != 0 || (suspicious && unpinned != 0) || double.IsNaN(pivot) || bad != 0 || (_l.Epsilon && !(schur >= Wellposedness.UndeterminedSchur))) return true;
            }
        return false;
    }

    // ---------------------------------------------------------------- packing

    /// <summary>(B, …) → (B, len) float64 contiguous: a view when it is one already.</summary>
    private Tensor Rows(Tensor full) => full.reshape(_batch, -1).to_type(ScalarType.Float64).contiguous();

    private static double* Raw(Tensor? t) => t is null ? null : TensorMemory.Pointer(t);

    /// <summary>Rows (B, len) → pack pk's (len, W) lanes; lanes past the batch repeat member 0 (they stay well-posed).</summary>
    private void Gather(double* from, int length, long pk, V* to)
    {
        long m = pk * W;
        double* r0 = from + m * length, r1 = from + (m + 1 < _batch ? m + 1 : 0) * length,
            r2 = from + (m + 2 < _batch ? m + 2 : 0) * length, r3 = from + (m + 3 < _batch ? m + 3 : 0) * length;
        for (int i = 0; i < length; i++) to[i] = Vector256.Create(r0[i], r1[i], r2[i], r3[i]);
    }

    /// <summary>Pack pk's (len, W) lanes → its members' rows of (B, len); padding lanes are dropped.</summary>
    private void Scatter(V* from, int length, long pk, double* to)
    {
        long m = pk * W;
        if (m + W <= _batch)
        {
            double* r0 = to + m * length, r1 = r0 + length, r2 = r1 + length, r3 = r2 + length;
            for (int i = 0; i < length; i++)
            {
                var v = from[i];
                r0[i] = v.GetElement(0); r1[i] = v.GetElement(1); r2[i] = v.GetElement(2); r3[i] = v.GetElement(3);
            }
            return;
        }
        for (int l = 0; m + l < _batch; l++)
            for (int i = 0; i < length; i++) to[(m + l) * length + i] = from[i].GetElement(l);
    }

    /// <summary>(P, len, W) → (B, len).</summary>
    private Tensor Unpack(Tensor packed) => packed.transpose(1, 2).reshape(_packs * W, -1).narrow(0, 0, _batch);

    private Tensor Packed(long len, bool zero = true) =>
        zero ? zeros(new long[] { _packs, len, W }, dtype: ScalarType.Float64) : empty(new long[] { _packs, len, W }, dtype: ScalarType.Float64);
    private static V* Ptr(Tensor t) => (V*)TensorMemory.Pointer(t);

    // ---------------------------------------------------------------- factorisation

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FactorisePack(long pk)
    {
        int T = _l.T, n = _l.N, nn = n * n;
        V* d0 = _d0 + pk * _len0, d1 = _d1 + pk * _len1, d2 = _d2 + pk * _len2;
        V* status = _status + pk * Status;
        V* diag = stackalloc V[n];
        V* mv = _l.Epsilon ? _mv + pk * T * n : null;   // the ε border exists only with ε
        new Span<V>(d0, _len0).Clear();
        new Span<V>(d1, _len1).Clear();
        new Span<V>(d2, _len2).Clear();
        if (mv != null) new Span<V>(mv, T * n).Clear();
        AssembleLhs(pk, d0, d1, d2, mv);


        var min = Vector256.Create(double.PositiveInfinity);
        var failed = V.Zero;
        var info = V.Zero;
        for (int t = 0; t < T; t++)
        {
            V* dt = d0 + t * nn;
            // No explicit Jacobi scaling: Cholesky is invariant to symmetric diagonal scaling (in its rounding too), so
            // only the pivots are normalised, by the assembled diagonal, to keep their scale-free meaning.
            for (int k = 0; k < n; k++) diag[k] = V.One / dt[k * (n + 1)];
            if (t >= 1)
            {
                V* l1 = d1 + (t - 1) * nn;
                if (_l.Central && t >= 2)
                {
                    V* l2 = d2 + (t - 2) * nn;
                    RightSolveTransposed(l2, d0 + (t - 2) * nn, n);
                    SubtractABt(l1, l2, d1 + (t - 2) * nn, n);
                    SubtractABt(dt, l2, l2, n);
                }
                RightSolveTransposed(l1, d0 + (t - 1) * nn, n);
                SubtractABt(dt, l1, l1, n);
            }
            var before = failed;
            min = Vector256.Min(min, Cholesky(dt, n, diag, ref failed));
            info = Vector256.ConditionalSelect(failed & ~before, Vector256.Create(t + 1.0), info);
        }
        status[0] = info;
        status[1] = Vector256.ConditionalSelect(failed, Vector256.Create(double.NaN), min);
        // The structural test only decides lanes whose pivots look suspicious (see Wellposedness).
        bool suspicious = (Vector256.LessThan(min, Vector256.Create(Wellposedness.SuspiciousPivot)) | failed) != V.Zero;
        status[2] = suspicious ? UnpinnedPolynomials(pk) : V.Zero;
        status[3] = V.One;
        status[4] = V.Zero;
        if (!_l.Epsilon) return;
        V* z2 = _z2 + pk * T * n;
        for (int i = 0; i < T * n; i++) z2[i] = mv[i];
        BandedSolve(pk, z2);
        var dot = V.Zero;
        for (int i = 0; i < T * n; i++) dot += mv[i] * z2[i];
        var schur = Vector256.Create(_l.Corner) - dot;
        _invSchur[pk] = V.One / schur;
        status[3] = schur / Vector256.Create(_l.Corner);
    }

    /// <summary>Normal-matrix blocks and the (unscaled) ε border (skipped when mv is null); see <see cref="Banded.BandedAssembler"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AssembleLhs(long pk, V* d0, V* d1, V* d2, V* mv)
    {
        int T = _l.T, n = _l.N, nn = n * n, E = _l.E, R1 = _l.R1, R = _l.R;
        V* c = _c + pk * T * E * n, h = _h + pk * (T - 1);
        double we2 = _l.We2, ws2 = _l.Ws2;
        for (int t = 0; t < T; t++)
            for (int e = 0; e < E; e++)
            {
                V* ce = c + (t * E + e) * n;
                V* dt = d0 + t * nn;
                for (int i = 0; i < n; i++)
                {
                    var ci = ce[i] * we2;
                    for (int j = 0; j < n; j++) dt[i * n + j] = Fmadd(dt[i * n + j], ci, ce[j]);
                }
            }
        V* hp = stackalloc V[R1];
        for (int g = 0; g < T - 1; g++)
        {
            Powers(h[g], hp, R1);
            V* a = d0 + g * nn, b = d0 + (g + 1) * nn, s = d1 + g * nn;
            for (int i = 0; i < R1; i++)
                for (int j = 0; j < R1; j++)
                {
                    var hh = hp[i] * hp[j] * ws2;
                    V pp = hh * _l.PP[i * R1 + j], qq = hh * _l.QQ[i * R1 + j], qp = hh * _l.QP[i * R1 + j];
                    for (int d = 0; d < _l.D; d++)
                    {
                        int k = (d * R1 + i) * n + d * R1 + j;
                        a[k] += pp; b[k] += qq; s[k] += qp;
                    }
                }
            if (mv != null)
            for (int i = 0; i < R1; i++)
            {
                V mp = hp[i] * (ws2 * _l.ColP[i]), mq = hp[i] * (ws2 * _l.ColQ[i]);
                for (int d = 0; d < _l.D; d++) { mv[g * n + d * R1 + i] += mp; mv[(g + 1) * n + d * R1 + i] += mq; }
            }
        }
        if (_l.Central)
            for (int t = 1; t < T - 1; t++)
            {
                var H = h[t - 1] + h[t];
                V a = Pow(H, R - 2), bb = Pow(H, R - 1);
                V aa = a * a * ws2, ab = a * bb * ws2, b2 = bb * bb * ws2, wa = a * ws2, wb = bb * ws2;
                for (int d = 0; d < _l.D; d++)
                {
                    int i1 = d * R1 + R - 1, i0 = d * R1 + R;
                    d0[(t - 1) * nn + i1 * n + i1] += aa;
                    d0[t * nn + i0 * n + i0] += b2;
                    d0[(t + 1) * nn + i1 * n + i1] += aa;
                    d1[(t - 1) * nn + i0 * n + i1] += ab;
                    d1[t * nn + i1 * n + i0] -= ab;
                    d2[(t - 1) * nn + i1 * n + i1] -= aa;
                    if (mv == null) continue;
                    mv[(t - 1) * n + i1] -= wa;
                    mv[t * n + i0] -= wb;
                    mv[(t + 1) * n + i1] += wa;
                }
            }
        var wi2 = Vector256.Create(_l.Wi2);
        for (int s = 0; s < _l.S; s++)
            for (int d = 0; d < _l.D; d++)
                for (int i = 0; i < _l.K; i++)
                {
                    int k = d * R1 + i;
                    d0[s * nn + k * n + k] += wi2;
                }
    }

    /// <summary>
    /// Structural test (see <see cref="Wellposedness"/>): the Gram matrix of the equation and initial rows on the
    /// polynomials τ^k (degree ≤ R, per dim) must be non-singular. Returns 1 in lanes where it is not.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private V UnpinnedPolynomials(long pk)
    {
        int T = _l.T, n = _l.N, E = _l.E, R1 = _l.R1, D = _l.D, nb = D * R1;
        V* c = _c + pk * T * E * n, h = _h + pk * (T - 1);
        V* gram = stackalloc V[nb * nb];
        V* derivs = stackalloc V[R1 * R1];  // derivs[k·R1 + j] = d^j/dt^j τ^k at the current time
        V* row = stackalloc V[nb];
        for (int i = 0; i < nb * nb; i++) gram[i] = V.Zero;
        var span = V.Zero;
        for (int g = 0; g < T - 1; g++) span += h[g];
        var slope = Vector256.Create(2.0) / span;
        V* slopePow = stackalloc V[R1];
        V* tauPow = stackalloc V[R1];
        Powers(slope, slopePow, R1);
        var time = V.Zero;
        for (int t = 0; t < T; t++)
        {
            if (t > 0) time += h[t - 1];
            Powers(time * slope - V.One, tauPow, R1);
            // d^j/dt^j τ^k = k!/(k−j)!·τ^(k−j)·slope^j
            for (int k = 0; k < R1; k++)
                for (int j = 0; j <= k; j++)
                    derivs[k * R1 + j] = tauPow[k - j] * slopePow[j] * _l.Falling[k * R1 + j];
            for (int e = 0; e < E; e++)
            {
                V* ce = c + (t * E + e) * n;
                for (int d = 0; d < D; d++)
                    for (int k = 0; k < R1; k++)
                    {
                        var v = V.Zero;
                        for (int j = 0; j < R1; j++) v += ce[d * R1 + j] * derivs[k * R1 + j];
                        row[d * R1 + k] = v;
                    }
                AddOuter(gram, row, nb, _l.We2);
            }
            if (t < _l.S)
                for (int d = 0; d < D; d++)
                    for (int j = 0; j < _l.K; j++)
                    {
                        for (int q = 0; q < nb; q++) row[q] = V.Zero;
                        for (int k = 0; k < R1; k++) row[d * R1 + k] = derivs[k * R1 + j];
                        AddOuter(gram, row, nb, _l.Wi2);
                    }
        }
        V* scale = stackalloc V[nb];
        var empty = V.Zero;
        for (int q = 0; q < nb; q++)
        {
            var dq = gram[q * nb + q];
            empty |= ~Vector256.GreaterThan(dq, V.Zero);
            scale[q] = V.One / Vector256.Sqrt(dq);
        }
        for (int i = 0; i < nb; i++) for (int j = 0; j < nb; j++) gram[i * nb + j] *= scale[i] * scale[j];
        var failed = V.Zero;
        var min = Cholesky(gram, nb, null, ref failed);
        var unpinned = failed | empty | Vector256.LessThan(min, Vector256.Create(Wellposedness.NullspaceTolerance));
        return Vector256.ConditionalSelect(unpinned, V.One, V.Zero);
    }

    private static void AddOuter(V* gram, V* row, int nb, double weight)
    {
        for (int i = 0; i < nb; i++)
        {
            var ri = row[i] * weight;
            for (int j = 0; j < nb; j++) gram[i * nb + j] += ri * row[j];
        }
    }

    // ---------------------------------------------------------------- solves

    public override (Tensor X, Tensor Eps) Solution() => (_uT, Unpack(_epsT).reshape(-1));

    /// <summary>Solves one pack (with refinement) into the stored solution; r is T·n scratch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SolvePack(long pk, V* r)
    {
        int Tn = _l.T * _l.N;
        V* xm = _x + pk * Tn;
        AssembleRhs(pk, xm);
        _eps[pk] = SolveFull(pk, xm, Vector256.Create(_l.Reward));
        for (int k = 0; k < _refinements; k++)
        {
            var re = RowResidual(pk, xm, _eps[pk], r, targets: true) + Vector256.Create(_l.Reward);
            var de = SolveFull(pk, r, re);
            for (int i = 0; i < Tn; i++) xm[i] += r[i];
            _eps[pk] += de;
        }
        // x·0 is NaN exactly where x is not finite.
        var nonFinite = _eps[pk] * V.Zero;
        for (int i = 0; i < Tn; i++) nonFinite += xm[i] * V.Zero;
        _status[pk * Status + 4] = ~Vector256.Equals(nonFinite, V.Zero);
    }

    /// <summary>AᵀW²β of one pack into r (T·n): equation and initial rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AssembleRhs(long pk, V* r)
    {
        int T = _l.T, n = _l.N, E = _l.E;
        V* c = _c + pk * T * E * n, b = _b + pk * T * E, iv = _iv + pk * _lenIv;
        for (int i = 0; i < T * n; i++) r[i] = V.Zero;
        for (int t = 0; t < T; t++)
            for (int e = 0; e < E; e++)
            {
                var be = b[t * E + e] * _l.We2;
                V* ce = c + (t * E + e) * n;
                for (int i = 0; i < n; i++) r[t * n + i] += ce[i] * be;
            }
        for (int s = 0; s < _l.S; s++)
            for (int d = 0; d < _l.D; d++)
                for (int i = 0; i < _l.K; i++)
                    r[s * n + d * _l.R1 + i] += iv[(s * _l.D + d) * _l.K + i] * _l.Wi2;
    }

    /// <summary>Solves M[x_ε; x] = [r_ε; r] for one pack: r (T·n) is overwritten by x; returns x_ε.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private V SolveFull(long pk, V* r, V rEps)
    {
        int Tn = _l.T * _l.N;
        BandedSolve(pk, r);
        if (!_l.Epsilon) return V.Zero;
        V* mv = _mv + pk * Tn, z2 = _z2 + pk * Tn;
        var dot = V.Zero;
        for (int i = 0; i < Tn; i++) dot += mv[i] * r[i];
        var eps = (rEps - dot) * _invSchur[pk];
        for (int i = 0; i < Tn; i++) r[i] -= eps * z2[i];
        return eps;
    }

    /// <summary>v := (L Lᵀ)⁻¹ v for the scaled banded part of one pack.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void BandedSolve(long pk, V* v)
    {
        int T = _l.T, n = _l.N, nn = n * n;
        V* d0 = _d0 + pk * _len0, d1 = _d1 + pk * _len1, d2 = _d2 + pk * _len2;
        for (int t = 0; t < T; t++)
        {
            V* vt = v + t * n;
            if (t >= 1) SubtractAv(vt, d1 + (t - 1) * nn, v + (t - 1) * n, n);
            if (_l.Central && t >= 2) SubtractAv(vt, d2 + (t - 2) * nn, v + (t - 2) * n, n);
            LowerSolve(d0 + t * nn, vt, n);
        }
        for (int t = T - 1; t >= 0; t--)
        {
            V* vt = v + t * n;
            if (t + 1 < T) SubtractAtv(vt, d1 + t * nn, v + (t + 1) * n, n);
            if (_l.Central && t + 2 < T) SubtractAtv(vt, d2 + t * nn, v + (t + 2) * n, n);
            LowerTransposedSolve(d0 + t * nn, vt, n);
        }
    }

    // ---------------------------------------------------------------- rows

    /// <summary>
    /// Aᵀ W² (β·[targets] − A[x_ε; x]) of one pack into outX (T·n); returns its ε component. With targets it is the
    /// residual of the normal equations (add γα for ε); without, it is −M·[x_ε; x].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private V RowResidual(long pk, V* x, V xEps, V* outX, bool targets)
    {
        int T = _l.T, n = _l.N, E = _l.E, R1 = _l.R1, R = _l.R, nr = _l.Rows;
        V* c = _c + pk * T * E * n, b = _b + pk * T * E, iv = _iv + pk * _lenIv, h = _h + pk * (T - 1);
        for (int i = 0; i < T * n; i++) outX[i] = V.Zero;
        var outEps = V.Zero;
        for (int t = 0; t < T; t++)
            for (int e = 0; e < E; e++)
            {
                V* ce = c + (t * E + e) * n;
                var ax = V.Zero;
                for (int i = 0; i < n; i++) ax = Fmadd(ax, ce[i], x[t * n + i]);
                var rho = ((targets ? b[t * E + e] : V.Zero) - ax) * _l.We2;
                for (int i = 0; i < n; i++) outX[t * n + i] = Fmadd(outX[t * n + i], ce[i], rho);
            }
        for (int s = 0; s < _l.S; s++)
            for (int d = 0; d < _l.D; d++)
                for (int i = 0; i < _l.K; i++)
                {
                    int k = s * n + d * R1 + i;
                    outX[k] += ((targets ? iv[(s * _l.D + d) * _l.K + i] : V.Zero) - x[k]) * _l.Wi2;
                }
        var eps = _l.Epsilon ? xEps : V.Zero;
        // Row r of a gap reads Σ_j KP_rj·h^j·xa_j + KQ_rj·h^j·xb_j: the powers scale the columns, so they are applied
        // once to x (ya, yb) and once to the accumulated row sums (ta, tb), and the rows themselves are the constants.
        V* hp = stackalloc V[R1];
        V* y = stackalloc V[4 * R1];
        V* ya = y, yb = y + R1, ta = y + 2 * R1, tb = y + 3 * R1;
        var ws2 = Vector256.Create(-_l.Ws2);
        fixed (double* KP = _l.KP, KQ = _l.KQ)
        fixed (int* PS = _l.PStart, PE = _l.PEnd, QS = _l.QStart, QE = _l.QEnd)
            for (int g = 0; g < T - 1; g++)
            {
                Powers(h[g], hp, R1);
                for (int d = 0; d < _l.D; d++)
                {
                    V* xa = x + g * n + d * R1, xb = xa + n;
                    V* oa = outX + g * n + d * R1, ob = oa + n;
                    for (int j = 0; j < R1; j++) { ya[j] = hp[j] * xa[j]; yb[j] = hp[j] * xb[j]; ta[j] = V.Zero; tb[j] = V.Zero; }
                    for (int r = 0; r < nr; r++)
                    {
                        // Only the non-zeros of the row: P on [PStart, PEnd), Q on [QStart, QEnd).
                        int p0 = PS[r], p1 = PE[r], q0 = QS[r], q1 = QE[r];
                        double* kp = KP + r * R1, kq = KQ + r * R1;
                        var ax = eps;
                        for (int j = p0; j < p1; j++) ax = Fmadd(ax, ya[j], kp[j]);
                        for (int j = q0; j < q1; j++) ax = Fmadd(ax, yb[j], kq[j]);
                        var rho = ax * ws2;
                        for (int j = p0; j < p1; j++) ta[j] = Fmadd(ta[j], rho, kp[j]);
                        for (int j = q0; j < q1; j++) tb[j] = Fmadd(tb[j], rho, kq[j]);
                        outEps += rho;
                    }
                    for (int j = 0; j < R1; j++) { oa[j] = Fmadd(oa[j], hp[j], ta[j]); ob[j] = Fmadd(ob[j], hp[j], tb[j]); }
                }
            }
        if (_l.Central)
            for (int t = 1; t < T - 1; t++)
            {
                var H = h[t - 1] + h[t];
                V a = Pow(H, R - 2), bb = Pow(H, R - 1);
                for (int d = 0; d < _l.D; d++)
                {
                    int i1 = d * R1 + R - 1, i0 = d * R1 + R;
                    var ax = eps + a * (x[(t + 1) * n + i1] - x[(t - 1) * n + i1]) - bb * x[t * n + i0];
                    var rho = ax * -_l.Ws2;
                    outX[(t - 1) * n + i1] -= a * rho;
                    outX[t * n + i0] -= bb * rho;
                    outX[(t + 1) * n + i1] += a * rho;
                    outEps += rho;
                }
            }
        return _l.Epsilon ? outEps : V.Zero;
    }

    private static void Powers(V h, V* hp, int count)
    {
        hp[0] = V.One;
        for (int j = 1; j < count; j++) hp[j] = hp[j - 1] * h;
    }

    // ---------------------------------------------------------------- backward

    public override InputGradients Backward(Tensor gU, Tensor gEps, bool[] needs)
    {
        var p = Problem;
        var (gc, gb, giv, gh) = KernelBackward(gU.reshape(p.BatchSize, -1), gEps.reshape(-1));
        var trailing = InputTrailing();
        Tensor? Back(int i, Tensor g, Tensor input) => needs[i] ? ToInput(g, input, trailing[i]) : null;
        return new InputGradients(
            Back(0, gc, p.Coefficients), Back(1, gb, p.Rhs),
            needs[2] && _l.S == 0 ? zeros_like(p.InitialValues) : Back(2, giv, p.InitialValues),
            Back(3, gh, p.Steps));
    }

    /// <summary>
    /// The backward pass in one sweep per pack: λ = M⁻¹g (refined, g (B, T·n), gε (B)), then the full-batch gradients
    /// c (B, T·E·n), b (B, T·E), iv (B, S·D·K), h (B, T−1); see <see cref="Banded.BandedGradients"/>.
    /// </summary>
    private (Tensor C, Tensor B, Tensor Iv, Tensor H) KernelBackward(Tensor g, Tensor gEps)
    {
        int T = _l.T, n = _l.N, E = _l.E, Tn = T * n, refinements = _refinements, lenC = T * E * n, lenIv = Math.Max(_lenIv, 1);
        Tensor rg = Rows(g), rge = Rows(gEps);
        // The gradients in the caller's layout (B, len); every element is written by the kernel.
        Tensor gc = empty(new long[] { _batch, lenC }, dtype: ScalarType.Float64), gb = empty(new long[] { _batch, T * E }, dtype: ScalarType.Float64),
            giv = empty(new long[] { _batch, lenIv }, dtype: ScalarType.Float64), gh = empty(new long[] { _batch, T - 1 }, dtype: ScalarType.Float64);
        V* vx = _x, vxe = _eps;
        double* dg = Raw(rg), dge = Raw(rge), dgc = Raw(gc), dgb = Raw(gb), dgiv = Raw(giv), dgh = Raw(gh);
        Parallel.For(0, _packs, () => new Scratch(2 * Tn + lenC + T * E + lenIv + T), (pk, _, s) =>
        {
            fixed (V* scratch = s.A)
            {
                V* lam = scratch, r = scratch + Tn, gm = r + Tn;   // gm: g, then the packed gradients
                V* pgc = gm, pgb = pgc + lenC, pgiv = pgb + T * E, pgh = pgiv + lenIv;
                Gather(dg, Tn, pk, lam);
                V ge;
                Gather(dge, 1, pk, &ge);
                for (int i = 0; i < Tn; i++) r[i] = lam[i];
                var le = SolveFull(pk, lam, ge);
                // r holds g until the first refinement's residual; later ones re-read it from the caller's rows.
                for (int k = 0; k < refinements; k++)
                {
                    if (k > 0) Gather(dg, Tn, pk, r);
                    V* g0 = gm;                       // the residual's own scratch: gradients are not written yet
                    var re = RowResidual(pk, lam, le, g0, targets: false) + (_l.Epsilon ? ge : V.Zero);
                    for (int i = 0; i < Tn; i++) r[i] += g0[i];
                    var de = SolveFull(pk, r, re);
                    for (int i = 0; i < Tn; i++) lam[i] += r[i];
                    le += de;
                }
                PackGradients(pk, vx + pk * Tn, _l.Epsilon ? vxe[pk] : V.Zero, lam, _l.Epsilon ? le : V.Zero, pgc, pgb, pgiv, pgh);
                Scatter(pgc, lenC, pk, dgc); Scatter(pgb, T * E, pk, dgb); Scatter(pgiv, lenIv, pk, dgiv); Scatter(pgh, T - 1, pk, dgh);
            }
            return s;
        }, _ => { });
        GC.KeepAlive(rg); GC.KeepAlive(rge);
        return (gc, gb, giv.narrow(1, 0, _lenIv), gh);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PackGradients(long pk, V* x, V xe, V* lam, V le, V* gc, V* gb, V* giv, V* gh)
    {
        int T = _l.T, n = _l.N, E = _l.E, R1 = _l.R1, R = _l.R, nr = _l.Rows;
        V* c = _c + pk * T * E * n, b = _b + pk * T * E, h = _h + pk * (T - 1);
        for (int t = 0; t < T; t++)
            for (int e = 0; e < E; e++)
            {
                V* ce = c + (t * E + e) * n;
                V ax = V.Zero, al = V.Zero;
                for (int i = 0; i < n; i++) { ax = Fmadd(ax, ce[i], x[t * n + i]); al = Fmadd(al, ce[i], lam[t * n + i]); }
                V rho = (b[t * E + e] - ax) * _l.We2, mu = al * _l.We2;
                gb[t * E + e] = mu;
                V* g = gc + (t * E + e) * n;
                for (int i = 0; i < n; i++) g[i] = rho * lam[t * n + i] - mu * x[t * n + i];
            }
        for (int s = 0; s < _l.S; s++)
            for (int d = 0; d < _l.D; d++)
                for (int i = 0; i < _l.K; i++)
                    giv[(s * _l.D + d) * _l.K + i] = lam[s * n + d * R1 + i] * _l.Wi2;

        // As in RowResidual, the powers h^j scale columns: x and λ are scaled once per gap (the rows are constants), and
        // the derivative Σ_r Σ_j KP_rj·j·h^(j−1)·(ρ_r·λ_j − μ_r·x_j) is gathered per column: Σ_j dh_j·(A_j·λ_j − B_j·x_j)
        // with A_j = Σ_r KP_rj·ρ_r, B_j = Σ_r KP_rj·μ_r (Q columns alike).
        V* hp = stackalloc V[R1];
        V* dhp = stackalloc V[R1];
        V* y = stackalloc V[8 * R1];
        V* xa_ = y, xb_ = y + R1, la_ = y + 2 * R1, lb_ = y + 3 * R1, aa = y + 4 * R1, ba = y + 5 * R1, ab = y + 6 * R1, bb_ = y + 7 * R1;
        var ws2 = Vector256.Create(_l.Ws2);
        fixed (double* KP = _l.KP, KQ = _l.KQ)
        fixed (int* PS = _l.PStart, PE = _l.PEnd, QS = _l.QStart, QE = _l.QEnd)
            for (int g = 0; g < T - 1; g++)
            {
                Powers(h[g], hp, R1);
                dhp[0] = V.Zero;
                for (int j = 1; j < R1; j++) dhp[j] = hp[j - 1] * j; // d(h^j)/dh = j·h^(j−1)
                var sum = V.Zero;
                for (int d = 0; d < _l.D; d++)
                {
                    V* xa = x + g * n + d * R1, xb = xa + n, la = lam + g * n + d * R1, lb = la + n;
                    for (int j = 0; j < R1; j++)
                    {
                        xa_[j] = hp[j] * xa[j]; xb_[j] = hp[j] * xb[j]; la_[j] = hp[j] * la[j]; lb_[j] = hp[j] * lb[j];
                        aa[j] = V.Zero; ba[j] = V.Zero; ab[j] = V.Zero; bb_[j] = V.Zero;
                    }
                    for (int r = 0; r < nr; r++)
                    {
                        int p0 = PS[r], p1 = PE[r], q0 = QS[r], q1 = QE[r];
                        double* kp = KP + r * R1, kq = KQ + r * R1;
                        V ax = xe, al = le;
                        for (int j = p0; j < p1; j++) { ax = Fmadd(ax, xa_[j], kp[j]); al = Fmadd(al, la_[j], kp[j]); }
                        for (int j = q0; j < q1; j++) { ax = Fmadd(ax, xb_[j], kq[j]); al = Fmadd(al, lb_[j], kq[j]); }
                        V rho = ax * -ws2, mu = al * ws2;
                        for (int j = p0; j < p1; j++) { aa[j] = Fmadd(aa[j], rho, kp[j]); ba[j] = Fmadd(ba[j], mu, kp[j]); }
                        for (int j = q0; j < q1; j++) { ab[j] = Fmadd(ab[j], rho, kq[j]); bb_[j] = Fmadd(bb_[j], mu, kq[j]); }
                    }
                    for (int j = 1; j < R1; j++)
                        sum = Fmadd(sum, dhp[j], aa[j] * la[j] - ba[j] * xa[j] + ab[j] * lb[j] - bb_[j] * xb[j]);
                }
                gh[g] = sum;
            }
        if (_l.Central)
            for (int t = 1; t < T - 1; t++)
            {
                var H = h[t - 1] + h[t];
                V a = Pow(H, R - 2), bb = Pow(H, R - 1), da = Pow(H, R - 3) * (R - 2), db = Pow(H, R - 2) * (R - 1);
                var dH = V.Zero;
                for (int d = 0; d < _l.D; d++)
                {
                    int i1 = d * R1 + R - 1, i0 = d * R1 + R;
                    V dx = x[(t + 1) * n + i1] - x[(t - 1) * n + i1], dl = lam[(t + 1) * n + i1] - lam[(t - 1) * n + i1];
                    var rho = (xe + a * dx - bb * x[t * n + i0]) * -_l.Ws2;
                    var mu = (le + a * dl - bb * lam[t * n + i0]) * _l.Ws2;
                    dH += da * (rho * dl - mu * dx) - db * (rho * lam[t * n + i0] - mu * x[t * n + i0]);
                }
                gh[t - 1] += dH;
                gh[t] += dH;
            }
    }

    /// <summary>Per-worker scratch of V lanes.</summary>
    private sealed class Scratch(int length)
    {
        public readonly V[] A = new V[length];
    }
}

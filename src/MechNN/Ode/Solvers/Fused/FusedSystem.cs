using MechNN.Tensors;
using TorchSharp;
using static TorchSharp.torch;
using static MechNN.Ode.Solvers.Fused.BlockKernels;

namespace MechNN.Ode.Solvers.Fused;

/// <summary>
/// The fused CPU kernel: the whole banded solve of one batch member — assembly of the block normal matrix, Jacobi
/// scaling, blocked Cholesky, ε by Schur complement, substitutions, refinement from row residuals, and the backward's
/// adjoint solve and gradients — as plain loops over raw tensor memory. Members run in parallel; there are no tensor
/// ops and no allocations inside a member's loops. Same maths as the torch-ops path (<see cref="Banded.BandedAssembler"/>,
/// <see cref="Banded.RowAlgebra"/>, <see cref="Banded.BandedGradients"/>); tests hold the two together.
/// Holds the factorisation between forward and backward (O(B·T·n²) memory).
/// </summary>
internal sealed unsafe class FusedSystem
{
    private readonly FusedLayout _l;
    private readonly long _batch;
    // Inputs, expanded to the full batch and contiguous: c (B,T,E,n), b (B,T,E), iv (B,S,D,K), h (B,T−1).
    private readonly Tensor _cT, _bT, _ivT, _hT;
    private readonly double* _c, _b, _iv, _h;
    // Factorisation: L blocks (B,T,n,n), (B,T−1,n,n), (B,T−2,n,n); scale, scaled border m', A'⁻¹m' (B,T,n); Schur (B).
    private readonly Tensor _d0T, _d1T, _d2T, _scT, _mvT, _z2T, _schurT;
    private readonly double* _d0, _d1, _d2, _sc, _mv, _z2, _schur;
    public Tensor Info { get; }      // (B) int: 0 ok, t+1 = first failing step
    public Tensor MinPivot { get; }  // (B)
    private readonly int* _info;
    private readonly double* _minPivot;

    public FusedLayout Layout => _l;
    public long Batch => _batch;

    public FusedSystem(OdeProblem p, bool factorise = true)
    {
        _l = new FusedLayout(p.Spec, p.StepCount);
        _batch = p.BatchSize;
        var bs = p.BatchShape;
        int T = _l.T, n = _l.N;
        _cT = TensorMemory.Dense(p.AlignBatch(p.Coefficients, 4), bs.Concat(new long[] { T, _l.E, _l.D, _l.R1 }).ToArray());
        _bT = TensorMemory.Dense(p.AlignBatch(p.Rhs, 2), bs.Concat(new long[] { T, _l.E }).ToArray());
        _ivT = _l.S > 0 ? TensorMemory.Dense(p.AlignBatch(p.InitialValues, 3), bs.Concat(new long[] { _l.S, _l.D, _l.K }).ToArray())
                        : zeros(1, dtype: ScalarType.Float64);
        _hT = TensorMemory.Dense(p.AlignBatch(p.Steps, 1), bs.Append(T - 1).ToArray());
        _c = TensorMemory.Pointer(_cT); _b = TensorMemory.Pointer(_bT); _iv = TensorMemory.Pointer(_ivT); _h = TensorMemory.Pointer(_hT);

        _d0T = Zeros(_batch, T, n, n); _d1T = Zeros(_batch, T - 1, n, n); _d2T = Zeros(_batch, Math.Max(T - 2, 1), n, n);
        _scT = Zeros(_batch, T, n); _mvT = Zeros(_batch, T, n); _z2T = Zeros(_batch, T, n); _schurT = Zeros(_batch);
        _d0 = TensorMemory.Pointer(_d0T); _d1 = TensorMemory.Pointer(_d1T); _d2 = TensorMemory.Pointer(_d2T);
        _sc = TensorMemory.Pointer(_scT); _mv = TensorMemory.Pointer(_mvT); _z2 = TensorMemory.Pointer(_z2T); _schur = TensorMemory.Pointer(_schurT);
        Info = zeros(_batch, dtype: ScalarType.Int32);
        MinPivot = Zeros(_batch);
        fixed (byte* pi = Info.bytes) _info = (int*)pi;
        _minPivot = TensorMemory.Pointer(MinPivot);
        if (factorise) Parallel.For(0, _batch, m => FactoriseMember(m));
    }

    private static Tensor Zeros(params long[] shape) => zeros(shape, dtype: ScalarType.Float64);

    public Tensor RelativeSchur => _l.Epsilon ? _schurT / _l.Corner : ones(_batch, dtype: ScalarType.Float64);

    // ---------------------------------------------------------------- forward

    /// <summary>Solves every member (with refinement) into x (B,T,n) and ε (B).</summary>
    public (Tensor X, Tensor Eps) Solve(int refinements)
    {
        var x = Zeros(_batch, _l.T, _l.N);
        var eps = Zeros(_batch);
        double* px = TensorMemory.Pointer(x), pe = TensorMemory.Pointer(eps);
        Parallel.For(0, _batch, () => new Scratch(_l), (m, _, s) =>
        {
            if (_info[m] != 0) return s;
            double* xm = px + m * _l.T * _l.N;
            AssembleRhs(m, xm);
            pe[m] = SolveFull(m, xm, _l.Reward);
            for (int k = 0; k < refinements; k++)
            {
                fixed (double* r = s.A)
                {
                    double re = RowResidual(m, xm, pe[m], r, targets: true) + _l.Reward;
                    double de = SolveFull(m, r, re);
                    for (int i = 0; i < _l.T * _l.N; i++) xm[i] += r[i];
                    pe[m] += de;
                }
            }
            return s;
        }, _ => { });
        return (x, eps);
    }

    private void FactoriseMember(long m)
    {
        int T = _l.T, n = _l.N, nn = n * n;
        double* d0 = _d0 + m * T * nn, d1 = _d1 + m * (T - 1) * nn, d2 = _d2 + m * Math.Max(T - 2, 1) * nn;
        double* sc = _sc + m * T * n, mv = _mv + m * T * n;
        AssembleLhs(m, d0, d1, d2, mv);

        for (int i = 0; i < T * n; i++) { double d = d0[(i / n) * nn + (i % n) * (n + 1)]; sc[i] = d > 0 ? 1 / Math.Sqrt(d) : 1; }
        for (int t = 0; t < T; t++) ScaleBlock(d0 + t * nn, sc + t * n, sc + t * n, n);
        for (int t = 0; t < T - 1; t++) ScaleBlock(d1 + t * nn, sc + (t + 1) * n, sc + t * n, n);
        if (_l.Central) for (int t = 0; t < T - 2; t++) ScaleBlock(d2 + t * nn, sc + (t + 2) * n, sc + t * n, n);
        for (int i = 0; i < T * n; i++) mv[i] *= sc[i];

        double min = double.PositiveInfinity;
        for (int t = 0; t < T; t++)
        {
            double* dt = d0 + t * nn;
            if (t >= 1)
            {
                double* l1 = d1 + (t - 1) * nn;
                if (_l.Central && t >= 2)
                {
                    double* l2 = d2 + (t - 2) * nn;
                    RightSolveTransposed(l2, d0 + (t - 2) * nn, n);
                    SubtractABt(l1, l2, d1 + (t - 2) * nn, n);
                    SubtractABt(dt, l2, l2, n);
                }
                RightSolveTransposed(l1, d0 + (t - 1) * nn, n);
                SubtractABt(dt, l1, l1, n);
            }
            double pivot = Cholesky(dt, n);
            if (pivot < 0 || double.IsNaN(pivot)) { _info[m] = t + 1; _minPivot[m] = double.NaN; return; }
            min = Math.Min(min, pivot);
        }
        _minPivot[m] = min;
        if (!_l.Epsilon) return;
        double* z2 = _z2 + m * T * n;
        for (int i = 0; i < T * n; i++) z2[i] = mv[i];
        BandedSolve(m, z2);
        double dot = 0;
        for (int i = 0; i < T * n; i++) dot += mv[i] * z2[i];
        _schur[m] = _l.Corner - dot;
    }

    private static void ScaleBlock(double* a, double* rowScale, double* colScale, int n)
    {
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) a[i * n + j] *= rowScale[i] * colScale[j];
    }

    /// <summary>Normal-matrix blocks and the (unscaled) ε border of member m; see <see cref="Banded.BandedAssembler"/>.</summary>
    private void AssembleLhs(long m, double* d0, double* d1, double* d2, double* mv)
    {
        int T = _l.T, n = _l.N, nn = n * n, E = _l.E, R1 = _l.R1, R = _l.R;
        double* c = _c + m * T * E * n, h = _h + m * (T - 1);
        double we2 = _l.We2, ws2 = _l.Ws2;
        for (int t = 0; t < T; t++)
            for (int e = 0; e < E; e++)
            {
                double* ce = c + (t * E + e) * n;
                double* dt = d0 + t * nn;
                for (int i = 0; i < n; i++)
                {
                    double ci = we2 * ce[i];
                    if (ci == 0) continue;
                    for (int j = 0; j < n; j++) dt[i * n + j] += ci * ce[j];
                }
            }
        Span<double> hp = stackalloc double[R1];
        for (int g = 0; g < T - 1; g++)
        {
            Powers(h[g], hp);
            double* a = d0 + g * nn, b = d0 + (g + 1) * nn, s = d1 + g * nn;
            for (int d = 0; d < _l.D; d++)
            {
                int o = d * R1;
                for (int i = 0; i < R1; i++)
                {
                    for (int j = 0; j < R1; j++)
                    {
                        double hh = ws2 * hp[i] * hp[j];
                        a[(o + i) * n + o + j] += _l.PP[i * R1 + j] * hh;
                        b[(o + i) * n + o + j] += _l.QQ[i * R1 + j] * hh;
                        s[(o + i) * n + o + j] += _l.QP[i * R1 + j] * hh;
                    }
                    mv[g * n + o + i] += ws2 * _l.ColP[i] * hp[i];
                    mv[(g + 1) * n + o + i] += ws2 * _l.ColQ[i] * hp[i];
                }
            }
        }
        if (_l.Central)
            for (int t = 1; t < T - 1; t++)
            {
                double H = h[t - 1] + h[t], a = Math.Pow(H, R - 2), bb = Math.Pow(H, R - 1);
                for (int d = 0; d < _l.D; d++)
                {
                    int i1 = d * R1 + R - 1, i0 = d * R1 + R;
                    d0[(t - 1) * nn + i1 * n + i1] += ws2 * a * a;
                    d0[t * nn + i0 * n + i0] += ws2 * bb * bb;
                    d0[(t + 1) * nn + i1 * n + i1] += ws2 * a * a;
                    d1[(t - 1) * nn + i0 * n + i1] += ws2 * a * bb;
                    d1[t * nn + i1 * n + i0] -= ws2 * a * bb;
                    d2[(t - 1) * nn + i1 * n + i1] -= ws2 * a * a;
                    mv[(t - 1) * n + i1] -= ws2 * a;
                    mv[t * n + i0] -= ws2 * bb;
                    mv[(t + 1) * n + i1] += ws2 * a;
                }
            }
        for (int s = 0; s < _l.S; s++)
            for (int d = 0; d < _l.D; d++)
                for (int i = 0; i < _l.K; i++)
                {
                    int k = d * R1 + i;
                    d0[s * nn + k * n + k] += _l.Wi2;
                }
    }

    /// <summary>AᵀW²β of member m into r (T·n): equation and initial rows.</summary>
    private void AssembleRhs(long m, double* r)
    {
        int T = _l.T, n = _l.N, E = _l.E;
        double* c = _c + m * T * E * n, b = _b + m * T * E, iv = _iv + m * _l.S * _l.D * _l.K;
        for (int i = 0; i < T * n; i++) r[i] = 0;
        for (int t = 0; t < T; t++)
            for (int e = 0; e < E; e++)
            {
                double be = _l.We2 * b[t * E + e];
                double* ce = c + (t * E + e) * n;
                for (int i = 0; i < n; i++) r[t * n + i] += ce[i] * be;
            }
        for (int s = 0; s < _l.S; s++)
            for (int d = 0; d < _l.D; d++)
                for (int i = 0; i < _l.K; i++)
                    r[s * n + d * _l.R1 + i] += _l.Wi2 * iv[(s * _l.D + d) * _l.K + i];
    }

    // ---------------------------------------------------------------- solves

    /// <summary>Solves M[x_ε; x] = [r_ε; r] for member m: r (T·n) is overwritten by x; returns x_ε.</summary>
    private double SolveFull(long m, double* r, double rEps)
    {
        int Tn = _l.T * _l.N;
        double* sc = _sc + m * Tn;
        for (int i = 0; i < Tn; i++) r[i] *= sc[i];
        BandedSolve(m, r);
        if (!_l.Epsilon) { for (int i = 0; i < Tn; i++) r[i] *= sc[i]; return 0; }
        double* mv = _mv + m * Tn, z2 = _z2 + m * Tn;
        double dot = 0;
        for (int i = 0; i < Tn; i++) dot += mv[i] * r[i];
        double eps = (rEps - dot) / _schur[m];
        for (int i = 0; i < Tn; i++) r[i] = sc[i] * (r[i] - eps * z2[i]);
        return eps;
    }

    /// <summary>v := (L Lᵀ)⁻¹ v for the scaled banded part of member m.</summary>
    private void BandedSolve(long m, double* v)
    {
        int T = _l.T, n = _l.N, nn = n * n;
        double* d0 = _d0 + m * T * nn, d1 = _d1 + m * (T - 1) * nn, d2 = _d2 + m * Math.Max(T - 2, 1) * nn;
        for (int t = 0; t < T; t++)
        {
            double* vt = v + t * n;
            if (t >= 1) SubtractAv(vt, d1 + (t - 1) * nn, v + (t - 1) * n, n);
            if (_l.Central && t >= 2) SubtractAv(vt, d2 + (t - 2) * nn, v + (t - 2) * n, n);
            LowerSolve(d0 + t * nn, vt, n);
        }
        for (int t = T - 1; t >= 0; t--)
        {
            double* vt = v + t * n;
            if (t + 1 < T) SubtractAtv(vt, d1 + t * nn, v + (t + 1) * n, n);
            if (_l.Central && t + 2 < T) SubtractAtv(vt, d2 + t * nn, v + (t + 2) * n, n);
            LowerTransposedSolve(d0 + t * nn, vt, n);
        }
    }

    // ---------------------------------------------------------------- rows

    /// <summary>
    /// Aᵀ W² (β·[targets] − A[x_ε; x]) of member m into outX (T·n); returns its ε component. With targets it is the
    /// residual of the normal equations (add γα for ε); without, it is −M·[x_ε; x].
    /// </summary>
    private double RowResidual(long m, double* x, double xEps, double* outX, bool targets)
    {
        int T = _l.T, n = _l.N, E = _l.E, R1 = _l.R1, R = _l.R, nr = _l.Rows;
        double* c = _c + m * T * E * n, b = _b + m * T * E, iv = _iv + m * _l.S * _l.D * _l.K, h = _h + m * (T - 1);
        for (int i = 0; i < T * n; i++) outX[i] = 0;
        double outEps = 0;
        for (int t = 0; t < T; t++)
            for (int e = 0; e < E; e++)
            {
                double* ce = c + (t * E + e) * n;
                double ax = 0;
                for (int i = 0; i < n; i++) ax += ce[i] * x[t * n + i];
                double rho = _l.We2 * ((targets ? b[t * E + e] : 0) - ax);
                for (int i = 0; i < n; i++) outX[t * n + i] += ce[i] * rho;
            }
        for (int s = 0; s < _l.S; s++)
            for (int d = 0; d < _l.D; d++)
                for (int i = 0; i < _l.K; i++)
                {
                    int k = s * n + d * R1 + i;
                    outX[k] += _l.Wi2 * ((targets ? iv[(s * _l.D + d) * _l.K + i] : 0) - x[k]);
                }
        double eps = _l.Epsilon ? xEps : 0;
        Span<double> hp = stackalloc double[R1];
        for (int g = 0; g < T - 1; g++)
        {
            Powers(h[g], hp);
            for (int d = 0; d < _l.D; d++)
            {
                double* xa = x + g * n + d * R1, xb = xa + n;
                double* oa = outX + g * n + d * R1, ob = oa + n;
                for (int r = 0; r < nr; r++)
                {
                    double ax = eps;
                    for (int j = 0; j < R1; j++) ax += hp[j] * (_l.KP[r * R1 + j] * xa[j] + _l.KQ[r * R1 + j] * xb[j]);
                    double rho = -_l.Ws2 * ax;
                    for (int j = 0; j < R1; j++) { oa[j] += _l.KP[r * R1 + j] * hp[j] * rho; ob[j] += _l.KQ[r * R1 + j] * hp[j] * rho; }
                    outEps += rho;
                }
            }
        }
        if (_l.Central)
            for (int t = 1; t < T - 1; t++)
            {
                double H = h[t - 1] + h[t], a = Math.Pow(H, R - 2), bb = Math.Pow(H, R - 1);
                for (int d = 0; d < _l.D; d++)
                {
                    int i1 = d * R1 + R - 1, i0 = d * R1 + R;
                    double ax = eps + a * (x[(t + 1) * n + i1] - x[(t - 1) * n + i1]) - bb * x[t * n + i0];
                    double rho = -_l.Ws2 * ax;
                    outX[(t - 1) * n + i1] -= a * rho;
                    outX[t * n + i0] -= bb * rho;
                    outX[(t + 1) * n + i1] += a * rho;
                    outEps += rho;
                }
            }
        return _l.Epsilon ? outEps : 0;
    }

    private static void Powers(double h, Span<double> hp)
    {
        hp[0] = 1;
        for (int j = 1; j < hp.Length; j++) hp[j] = hp[j - 1] * h;
    }

    // ---------------------------------------------------------------- backward

    /// <summary>λ = M⁻¹g (refined) for every member: g (B,T,n) and gε (B) → (λ, λ_ε).</summary>
    public (Tensor Lambda, Tensor LambdaEps) Adjoint(Tensor g, Tensor gEps, int refinements)
    {
        var lam = g.to_type(ScalarType.Float64).contiguous().clone();
        var gc = g.to_type(ScalarType.Float64).contiguous();
        var le = Zeros(_batch);
        var ge = gEps.to_type(ScalarType.Float64).contiguous();
        double* pl = TensorMemory.Pointer(lam), pg = TensorMemory.Pointer(gc), ple = TensorMemory.Pointer(le), pge = TensorMemory.Pointer(ge);
        int Tn = _l.T * _l.N;
        Parallel.For(0, _batch, () => new Scratch(_l), (m, _, s) =>
        {
            double* lm = pl + m * Tn, gm = pg + m * Tn;
            ple[m] = SolveFull(m, lm, pge[m]);
            for (int k = 0; k < refinements; k++)
                fixed (double* r = s.A)
                {
                    double re = RowResidual(m, lm, ple[m], r, targets: false) + (_l.Epsilon ? pge[m] : 0);
                    for (int i = 0; i < Tn; i++) r[i] += gm[i];
                    double de = SolveFull(m, r, re);
                    for (int i = 0; i < Tn; i++) lm[i] += r[i];
                    ple[m] += de;
                }
            return s;
        }, _ => { });
        return (lam, le);
    }

    /// <summary>
    /// Full-batch gradients (c (B,T,E,n), b (B,T,E), iv (B,S,D,K), h (B,T−1)) from x, λ; see <see cref="Banded.BandedGradients"/>.
    /// </summary>
    public (Tensor C, Tensor B, Tensor Iv, Tensor H) Gradients(Tensor x, Tensor xEps, Tensor lambda, Tensor lambdaEps)
    {
        int T = _l.T, n = _l.N, E = _l.E;
        var gc = Zeros(_batch, T, E, n); var gb = Zeros(_batch, T, E);
        var giv = Zeros(_batch, Math.Max(_l.S, 1), _l.D, Math.Max(_l.K, 1)); var gh = Zeros(_batch, T - 1);
        double* px = TensorMemory.Pointer(x), pxe = TensorMemory.Pointer(xEps), pl = TensorMemory.Pointer(lambda), ple = TensorMemory.Pointer(lambdaEps);
        double* pgc = TensorMemory.Pointer(gc), pgb = TensorMemory.Pointer(gb), pgiv = TensorMemory.Pointer(giv), pgh = TensorMemory.Pointer(gh);
        Parallel.For(0, _batch, m =>
            MemberGradients(m, px + m * T * n, _l.Epsilon ? pxe[m] : 0, pl + m * T * n, _l.Epsilon ? ple[m] : 0,
                pgc + m * T * E * n, pgb + m * T * E, pgiv + m * Math.Max(_l.S, 1) * _l.D * Math.Max(_l.K, 1), pgh + m * (T - 1)));
        return (gc, gb, giv.narrow(1, 0, _l.S).narrow(3, 0, _l.K), gh);
    }

    private void MemberGradients(long m, double* x, double xe, double* lam, double le, double* gc, double* gb, double* giv, double* gh)
    {
        int T = _l.T, n = _l.N, E = _l.E, R1 = _l.R1, R = _l.R, nr = _l.Rows;
        double* c = _c + m * T * E * n, b = _b + m * T * E, h = _h + m * (T - 1);
        for (int t = 0; t < T; t++)
            for (int e = 0; e < E; e++)
            {
                double* ce = c + (t * E + e) * n;
                double ax = 0, al = 0;
                for (int i = 0; i < n; i++) { ax += ce[i] * x[t * n + i]; al += ce[i] * lam[t * n + i]; }
                double rho = _l.We2 * (b[t * E + e] - ax), mu = _l.We2 * al;
                gb[t * E + e] = mu;
                double* g = gc + (t * E + e) * n;
                for (int i = 0; i < n; i++) g[i] = rho * lam[t * n + i] - mu * x[t * n + i];
            }
        for (int s = 0; s < _l.S; s++)
            for (int d = 0; d < _l.D; d++)
                for (int i = 0; i < _l.K; i++)
                    giv[(s * _l.D + d) * _l.K + i] = _l.Wi2 * lam[s * n + d * R1 + i];

        Span<double> hp = stackalloc double[R1];
        Span<double> dhp = stackalloc double[R1];
        for (int g = 0; g < T - 1; g++)
        {
            Powers(h[g], hp);
            dhp[0] = 0;
            for (int j = 1; j < R1; j++) dhp[j] = j * hp[j - 1];
            double sum = 0;
            for (int d = 0; d < _l.D; d++)
            {
                double* xa = x + g * n + d * R1, xb = xa + n, la = lam + g * n + d * R1, lb = la + n;
                for (int r = 0; r < nr; r++)
                {
                    double ax = xe, al = le;
                    for (int j = 0; j < R1; j++)
                    {
                        ax += hp[j] * (_l.KP[r * R1 + j] * xa[j] + _l.KQ[r * R1 + j] * xb[j]);
                        al += hp[j] * (_l.KP[r * R1 + j] * la[j] + _l.KQ[r * R1 + j] * lb[j]);
                    }
                    double rho = -_l.Ws2 * ax, mu = _l.Ws2 * al;
                    for (int j = 1; j < R1; j++)
                        sum += dhp[j] * (_l.KP[r * R1 + j] * (rho * la[j] - mu * xa[j]) + _l.KQ[r * R1 + j] * (rho * lb[j] - mu * xb[j]));
                }
            }
            gh[g] = sum;
        }
        if (_l.Central)
            for (int t = 1; t < T - 1; t++)
            {
                double H = h[t - 1] + h[t];
                double a = Math.Pow(H, R - 2), bb = Math.Pow(H, R - 1), da = (R - 2) * Math.Pow(H, R - 3), db = (R - 1) * Math.Pow(H, R - 2);
                double dH = 0;
                for (int d = 0; d < _l.D; d++)
                {
                    int i1 = d * R1 + R - 1, i0 = d * R1 + R;
                    double dx = x[(t + 1) * n + i1] - x[(t - 1) * n + i1], dl = lam[(t + 1) * n + i1] - lam[(t - 1) * n + i1];
                    double rho = -_l.Ws2 * (xe + a * dx - bb * x[t * n + i0]);
                    double mu = _l.Ws2 * (le + a * dl - bb * lam[t * n + i0]);
                    dH += da * (rho * dl - mu * dx) - db * (rho * lam[t * n + i0] - mu * x[t * n + i0]);
                }
                gh[t - 1] += dH;
                gh[t] += dH;
            }
    }

    /// <summary>Per-thread scratch (one T·n vector).</summary>
    private sealed class Scratch(FusedLayout l)
    {
        public readonly double[] A = new double[l.T * l.N];
    }
}

// Parallel in time: the chunked kernels' bodies chunkedForward and chunkedBackward (entry points in mnn_kernels.cu),
// built on Member (member.cuh).
#pragma once
#include "member.cuh"

// For few members with many steps one thread per member is a long dependent chain. Here one CUDA block serves one
// member and its P threads split the steps into chunks [s_j, e_j): the last WS steps of each chunk (WS = 1, or 2 with
// central rows, whose couplings reach two steps) are its separator, the others its interior. Each thread factorises
// its interior alone and forms W_E = A_I⁻¹E_j and W_F = A_I⁻¹F_j (E_j, F_j: the interior's coupling to the separators
// above and below), from which the Schur complement on the P separators (block tridiagonal again, blocks WS·n) follows;
// thread 0 factorises that small system. A solve is then: interiors (parallel), separators (thread 0), interiors
// corrected by the separator values (parallel). The ε border is one more right-hand side (A⁻¹m) and block-wide dot
// products. Depth O(T/P + P) instead of O(T). Instantiated for D = 1, R ≤ 3 (R = 1 without central rows): at R = 4 this
// code refused well-posed problems on the H100 although its CPU emulation (tests/CudaEmulation) solves them, so R = 4
// stays on the one-thread-per-member kernels until that is understood.

// Sum over the block's threads, the same value returned to all (fixed order: deterministic).
__device__ double blockSum(double v)
{
    __shared__ double buf[256];
    __shared__ double total;
    buf[threadIdx.x] = v;
    __syncthreads();
    if (threadIdx.x == 0) {
        double t = 0;
        for (int k = 0; k < blockDim.x; k++) t += buf[k];
        total = t;
    }
    __syncthreads();
    double r = total;
    __syncthreads();
    return r;
}

template <int D_, int R1_, int WS>
struct Chunked {
    static constexpr int NB = Member<D_, R1_>::NB;
    static constexpr int SB = WS * NB;
    Member<D_, R1_>& s;
    int P, j, s0, qs, e0, n, nn, sn, snn, wsz;   // interior [s0, qs), separator steps [qs, e0); sn = WS·n
    G we, wf;               // (T·n·sn): block rows (n × sn) of W_E, W_F at interior steps
    G sepD, sepO, sepC;     // (P·sn·sn): separator diagonal (→ factor), S_j,j−1 (→ factored), E_jᵀW_E owed to j−1
    G ej, fq;               // (P·WS·n·sn): E_j rows at s0 + k, F_j rows at qs − 1 − k
    G sepG, sepCg;          // (P·sn)

    __device__ Chunked(Member<D_, R1_>& member, double* we_, double* wf_, double* sepD_, double* sepO_, double* sepC_,
                       double* ej_, double* fq_, double* sepG_, double* sepCg_)
        : s(member)
    {
        P = blockDim.x; j = threadIdx.x; n = s.n; nn = s.nn; sn = WS * n; snn = sn * sn; wsz = WS * n * sn;
        s0 = (int)((long long)j * s.T / P);
        e0 = (int)((long long)(j + 1) * s.T / P);
        qs = e0 - WS;
        long long B = s.B, m = s.m;
        we = view(we_, m, B); wf = view(wf_, m, B);
        sepD = view(sepD_, m, B); sepO = view(sepO_, m, B); sepC = view(sepC_, m, B); ej = view(ej_, m, B); fq = view(fq_, m, B);
        sepG = view(sepG_, m, B); sepCg = view(sepCg_, m, B);
    }

    __device__ void factor(double& mn, bool& failed, double& info)
    {
        s.factorRange(s0, qs, mn, failed, info);
        double A[NB * NB], O1[NB * NB], O2[NB * NB], Er[WS][NB * SB], Fr[WS][NB * SB], Sd[SB * SB];
#pragma unroll
        for (int k = 0; k < WS; k++)
#pragma unroll
            for (int i = 0; i < n * sn; i++) { Er[k][i] = 0; Fr[k][i] = 0; }
#pragma unroll
        for (int i = 0; i < snn; i++) Sd[i] = 0;
        // E_j: row s0 reaches the separator above through O1 (and O2 with central rows), row s0+1 through O2.
        s.rawBlocks(s0, A, O1, O2);
        if (j > 0)
#pragma unroll
            for (int i = 0; i < n; i++)
#pragma unroll
                for (int c = 0; c < n; c++) {
                    if (WS == 1) Er[0][i * sn + c] = O1[i * n + c];
                    else { Er[0][i * sn + c] = O2[i * n + c]; Er[0][i * sn + n + c] = O1[i * n + c]; }
                }
        if (WS == 2) {
            s.rawBlocks(s0 + 1, A, O1, O2);
            if (j > 0)
#pragma unroll
                for (int i = 0; i < n; i++)
#pragma unroll
                    for (int c = 0; c < n; c++) Er[WS - 1][i * sn + n + c] = O2[i * n + c];
        }
        // F_j (transposed couplings of the separator rows to the last interior rows) and the separator diagonal.
        s.rawBlocks(qs, A, O1, O2);
#pragma unroll
        for (int i = 0; i < n; i++)
#pragma unroll
            for (int c = 0; c < n; c++) {
                Fr[0][i * sn + c] = O1[c * n + i];
                if (WS == 2) Fr[WS - 1][i * sn + c] = O2[c * n + i];
                Sd[i * sn + c] = A[i * n + c];
            }
        if (WS == 2) {
            s.rawBlocks(qs + 1, A, O1, O2);
#pragma unroll
            for (int i = 0; i < n; i++)
#pragma unroll
                for (int c = 0; c < n; c++) {
                    Fr[0][i * sn + n + c] = O2[c * n + i];
                    Sd[(n + i) * sn + n + c] = A[i * n + c];
                    Sd[(n + i) * sn + c] = O1[i * n + c];
                    Sd[i * sn + n + c] = O1[c * n + i];
                }
        }
#pragma unroll
        for (int k = 0; k < WS; k++)
#pragma unroll
            for (int i = 0; i < n * sn; i++) { ej[j * wsz + k * n * sn + i] = Er[k][i]; fq[j * wsz + k * n * sn + i] = Fr[k][i]; }
        if (j > 0) solveColumns(we, Er, true);
        else
            for (int t = s0; t < qs; t++)
#pragma unroll
                for (int i = 0; i < n * sn; i++) we[t * n * sn + i] = 0;
        solveColumns(wf, Fr, false);
        // S_jj = M_σσ − F_jᵀW_F; S_j,j−1 = −F_jᵀW_E; chunk j owes separator j−1: E_jᵀW_E.
#pragma unroll
        for (int a = 0; a < sn; a++)
#pragma unroll
            for (int b = 0; b < sn; b++) {
                double sf = 0, se = 0, sc = 0;
#pragma unroll
                for (int k = 0; k < WS; k++)
#pragma unroll
                    for (int i = 0; i < n; i++) {
                        sf += Fr[k][i * sn + a] * wf[((qs - 1 - k) * n + i) * sn + b];
                        se += Fr[k][i * sn + a] * we[((qs - 1 - k) * n + i) * sn + b];
                        sc += Er[k][i * sn + a] * we[((s0 + k) * n + i) * sn + b];
                    }
                sepD[j * snn + a * sn + b] = Sd[a * sn + b] - sf;
                sepO[j * snn + a * sn + b] = j > 0 ? -se : 0.0;
                sepC[j * snn + a * sn + b] = j > 0 ? sc : 0.0;
            }
    }

    // w := A_I⁻¹·R for sn right-hand-side columns that are zero except at the first WS interior steps (atFirst: rhs[k]
    // at s0 + k) or the last (rhs[k] at qs − 1 − k). All columns advance together; blocks in registers.
    __device__ void solveColumns(G w, const double (*rhs)[NB * SB], bool atFirst)
    {
        const bool central = s.L.Central;
        double cur[NB * SB], p1[NB * SB], p2[NB * SB], a[NB * NB], o1[NB * NB], o2[NB * NB];
#pragma unroll
        for (int i = 0; i < n * sn; i++) { p1[i] = 0; p2[i] = 0; }
        for (int t = s0; t < qs; t++) {
            int k = atFirst ? t - s0 : qs - 1 - t;
            if (!atFirst && k >= WS) {   // nothing has reached this step yet: zeros
#pragma unroll
                for (int i = 0; i < n * sn; i++) { w[t * n * sn + i] = 0; p2[i] = p1[i]; p1[i] = 0; }
                continue;
            }
#pragma unroll
            for (int i = 0; i < n * sn; i++) cur[i] = k < WS ? rhs[k < WS ? k : 0][i] : 0.0;
            substituteColumns<false>(t, central, w, cur, p1, p2, a, o1, o2);
        }
#pragma unroll
        for (int i = 0; i < n * sn; i++) { p1[i] = 0; p2[i] = 0; }
        for (int t = qs - 1; t >= s0; t--) {
#pragma unroll
            for (int i = 0; i < n * sn; i++) cur[i] = w[t * n * sn + i];
            substituteColumns<true>(t, central, w, cur, p1, p2, a, o1, o2);
        }
    }

    // Step t of solveColumns' forward (Back = false: L_I) or backward (L_Iᵀ) sweep over the interior: cur := that block
    // row's substitution (see substituteRow), stored as w_t; the window of solved rows moves on (p2 ← p1 ← cur). a, o1,
    // o2 receive the row's factor blocks: the caller's arrays, so that both sweeps reuse one set of registers.
    template <bool Back>
    __device__ __forceinline__ void substituteColumns(int t, bool central, G w, double* cur, double* p1, double* p2,
                                                      double* a, double* o1, double* o2)
    {
#pragma unroll
        for (int i = 0; i < nn; i++) {
            a[i] = s.d0[t * nn + i];
            if (Back) {   // rows t+1 and t+2 reach back to row t through M_t+1,t = d1[t] and M_t+2,t = d2[t]
                o1[i] = t + 1 < qs ? s.d1[t * nn + i] : 0.0;
                o2[i] = central && t + 2 < qs ? s.d2[t * nn + i] : 0.0;
            } else {
                o1[i] = t > s0 ? s.d1[(t - 1) * nn + i] : 0.0;
                o2[i] = central && t > s0 + 1 ? s.d2[(t - 2) * nn + i] : 0.0;
            }
        }
        substituteRow<Back>(a, o1, p1, o2, p2, cur, n, sn);
#pragma unroll
        for (int i = 0; i < n * sn; i++) { w[t * n * sn + i] = cur[i]; p2[i] = p1[i]; p1[i] = cur[i]; }
    }

    // Thread 0: blocked Cholesky of the separators' block-tridiagonal Schur complement.
    __device__ void factorSeparators(double& mn, bool& failed, double& info)
    {
        double Sd[SB * SB], O[SB * SB], Lp[SB * SB], diag[SB];
        for (int k = 0; k < P; k++) {
#pragma unroll
            for (int i = 0; i < snn; i++) Sd[i] = sepD[k * snn + i] - (k + 1 < P ? sepC[(k + 1) * snn + i] : 0.0);
#pragma unroll
            for (int i = 0; i < sn; i++) diag[i] = 1.0 / Sd[i * (sn + 1)];
            if (k >= 1) {
#pragma unroll
                for (int i = 0; i < snn; i++) O[i] = sepO[k * snn + i];
                rightSolveTransposed(O, Lp, sn);
                subtractABt(Sd, O, O, sn);
#pragma unroll
                for (int i = 0; i < snn; i++) sepO[k * snn + i] = O[i];
            }
            bool before = failed;
            mn = fmin(mn, cholesky(Sd, sn, diag, failed));
            if (failed && !before && info == 0) info = (double)((long long)(k + 1) * s.T / P);   // that separator's end
#pragma unroll
            for (int i = 0; i < snn; i++) { sepD[k * snn + i] = Sd[i]; Lp[i] = Sd[i]; }
        }
    }

    // v := A⁻¹v for the banded part (no ε). Every thread of the block calls it.
    __device__ void solve(G v)
    {
        s.bandedSolve(v, s0, qs);
        double g[SB], cg[SB];
#pragma unroll
        for (int a = 0; a < sn; a++) {
            double x = v[qs * n + a], y = 0;
#pragma unroll
            for (int k = 0; k < WS; k++)
#pragma unroll
                for (int i = 0; i < n; i++) {
                    x -= fq[j * wsz + (k * n + i) * sn + a] * v[(qs - 1 - k) * n + i];
                    y += ej[j * wsz + (k * n + i) * sn + a] * v[(s0 + k) * n + i];
                }
            g[a] = x; cg[a] = y;
        }
#pragma unroll
        for (int a = 0; a < sn; a++) { sepG[j * sn + a] = g[a]; sepCg[j * sn + a] = j > 0 ? cg[a] : 0.0; }
        __syncthreads();
        if (j == 0) {
            double x[SB], xp[SB], o[SB * SB], l[SB * SB];
            for (int k = 0; k < P; k++) {
#pragma unroll
                for (int a = 0; a < sn; a++) x[a] = sepG[k * sn + a] - (k + 1 < P ? sepCg[(k + 1) * sn + a] : 0.0);
                if (k >= 1) {
#pragma unroll
                    for (int i = 0; i < snn; i++) o[i] = sepO[k * snn + i];
                    subtractAv(x, o, xp, sn);
                }
#pragma unroll
                for (int i = 0; i < snn; i++) l[i] = sepD[k * snn + i];
                lowerSolve(l, x, sn);
#pragma unroll
                for (int a = 0; a < sn; a++) { sepG[k * sn + a] = x[a]; xp[a] = x[a]; }
            }
            for (int k = P - 1; k >= 0; k--) {
#pragma unroll
                for (int a = 0; a < sn; a++) x[a] = sepG[k * sn + a];
                if (k + 1 < P) {
#pragma unroll
                    for (int i = 0; i < snn; i++) o[i] = sepO[(k + 1) * snn + i];
                    subtractAtv(x, o, xp, sn);
                }
#pragma unroll
                for (int i = 0; i < snn; i++) l[i] = sepD[k * snn + i];
                lowerTransposedSolve(l, x, sn);
                int qk = (int)((long long)(k + 1) * s.T / P) - WS;
#pragma unroll
                for (int a = 0; a < sn; a++) { v[qk * n + a] = x[a]; xp[a] = x[a]; }
            }
        }
        __syncthreads();
        double xa[SB], xb[SB];
#pragma unroll
        for (int a = 0; a < sn; a++) { xa[a] = j > 0 ? v[(s0 - WS) * n + a] : 0.0; xb[a] = v[qs * n + a]; }
        for (int t = s0; t < qs; t++)
#pragma unroll
            for (int i = 0; i < n; i++) {
                double y = v[t * n + i];
#pragma unroll
                for (int c = 0; c < sn; c++) y -= we[(t * n + i) * sn + c] * xa[c] + wf[(t * n + i) * sn + c] * xb[c];
                v[t * n + i] = y;
            }
        __syncthreads();
    }

    // Solves M[x_ε; x] = [r_ε; r] (see Member::solveFull): r is overwritten by x; returns x_ε.
    __device__ double solveFull(G r, double rEps, double invSchur)
    {
        solve(r);
        if (!s.L.Epsilon) return 0;
        double part = 0;
        for (int i = s0 * n; i < e0 * n; i++) part += s.mv[i] * r[i];
        double eps = (rEps - blockSum(part)) * invSchur;
        axpy(r + s0 * n, -eps, s.z2 + s0 * n, (e0 - s0) * n);
        __syncthreads();
        return eps;
    }

    // Σ over the block of residualBlock's owned ε parts, with this chunk's output blocks written.
    __device__ double residual(G x, double xEps, G out, bool targets)
    {
        double owned = 0;
        for (int t = s0; t < e0; t++) owned += s.residualBlock(t, x, xEps, out, targets);
        return s.L.Epsilon ? blockSum(owned) : 0.0;
    }

    __device__ void axpyChunk(G y, double alpha, G x) { axpy(y + s0 * n, alpha, x + s0 * n, (e0 - s0) * n); }
};

// Per-thread (min pivot, failed, info) → thread 0.
__device__ void reduceStatus(double& mn, bool& failed, double& info)
{
    __shared__ double smn[256], sinfo[256];
    __shared__ int sfail[256];
    int j = threadIdx.x;
    smn[j] = mn; sinfo[j] = info; sfail[j] = failed ? 1 : 0;
    __syncthreads();
    if (j == 0)
        for (int k = 1; k < blockDim.x; k++) {
            mn = fmin(mn, smn[k]);
            failed = failed || sfail[k];
            if (sinfo[k] != 0 && (info == 0 || sinfo[k] < info)) info = sinfo[k];   // the first failing step
        }
    __syncthreads();
}

template <int D_, int R1_, int WS>
__device__ void chunkedForward(const Layout& L, const double* c, const double* b, const double* iv, const double* h,
                               double* d0, double* d1, double* d2, double* mv, double* z2, double* invSchur,
                               double* we, double* wf, double* sepD, double* sepO, double* sepC, double* ej, double* fq,
                               double* sepG, double* sepCg, double* status, double* x, double* eps, double* r,
                               unsigned int* flag)
{
    long long m = blockIdx.x;
    Member<D_, R1_> s(L, m, c, b, iv, h, d0, d1, d2, mv, z2);
    Chunked<D_, R1_, WS> k(s, we, wf, sepD, sepO, sepC, ej, fq, sepG, sepCg);
    double mn = __longlong_as_double(0x7ff0000000000000LL), info = 0;
    bool failed = false;
    k.factor(mn, failed, info);
    reduceStatus(mn, failed, info);
    __shared__ double shared[4];
    if (k.j == 0) {
        k.factorSeparators(mn, failed, info);
        shared[0] = info; shared[1] = failed ? __longlong_as_double(0x7ff8000000000000LL) : mn;
        shared[2] = (mn < L.SuspiciousPivot || failed) && s.unpinnedPolynomials() ? 1.0 : 0.0;
    }
    __syncthreads();
    double is = 0, relSchur = 1;
    if (L.Epsilon) {
        for (int t = k.s0; t < k.e0; t++) s.borderBlock(t, s.mv);
        copy(s.z2 + k.s0 * s.n, s.mv + k.s0 * s.n, (k.e0 - k.s0) * s.n);
        __syncthreads();
        k.solve(s.z2);
        double part = 0;
        for (int i = k.s0 * s.n; i < k.e0 * s.n; i++) part += s.mv[i] * s.z2[i];
        double schur = L.Corner - blockSum(part);
        is = 1.0 / schur; relSchur = schur / L.Corner;
        if (k.j == 0) invSchur[m] = is;
    }
    G xm = view(x, m, L.B), rm = view(r, m, L.B);
    s.assembleRhs(xm, k.s0, k.e0);
    __syncthreads();
    double e = k.solveFull(xm, L.Reward, is);
    for (int it = 0; it < L.Refinements; it++) {
        double re = k.residual(xm, e, rm, true) + L.Reward;
        __syncthreads();
        double de = k.solveFull(rm, re, is);
        k.axpyChunk(xm, 1.0, rm);
        e += de;
        __syncthreads();
    }
    bool finite = __syncthreads_and(allFinite(xm, k.s0 * s.n, k.e0 * s.n));
    if (k.j == 0) {
        G st = view(status, m, L.B);
        st[0] = shared[0]; st[1] = shared[1]; st[2] = shared[2]; st[3] = relSchur;
        st[4] = verdict(L, st, finite);
        if (st[4] != 0) atomicOr(flag, 1u);
        eps[m] = e;
    }
}

template <int D_, int R1_, int WS>
__device__ void chunkedBackward(const Layout& L, const double* c, const double* b, const double* iv, const double* h,
                                double* d0, double* d1, double* d2, double* mv, double* z2, const double* invSchur,
                                double* we, double* wf, double* sepD, double* sepO, double* sepC, double* ej, double* fq,
                                double* sepG, double* sepCg, const double* x, const double* eps, const double* g,
                                const double* gEps, double* lam, double* r, double* gc, double* gb, double* giv, double* gh)
{
    long long m = blockIdx.x;
    Member<D_, R1_> s(L, m, c, b, iv, h, d0, d1, d2, mv, z2);
    Chunked<D_, R1_, WS> k(s, we, wf, sepD, sepO, sepC, ej, fq, sepG, sepCg);
    double is = L.Epsilon ? invSchur[m] : 0.0, ge = L.Epsilon ? gEps[m] : 0.0;
    G lm = view(lam, m, L.B), rm = view(r, m, L.B), gm = view(g, m, L.B);
    copy(lm + k.s0 * s.n, gm + k.s0 * s.n, (k.e0 - k.s0) * s.n);
    __syncthreads();
    double le = k.solveFull(lm, ge, is);
    for (int it = 0; it < L.Refinements; it++) {
        double re = k.residual(lm, le, rm, false) + ge;
        k.axpyChunk(rm, 1.0, gm);
        __syncthreads();
        double de = k.solveFull(rm, re, is);
        k.axpyChunk(lm, 1.0, rm);
        le += de;
        __syncthreads();
    }
    s.gradients(view(x, m, L.B), L.Epsilon ? eps[m] : 0.0, lm, L.Epsilon ? le : 0.0, view(gc, m, L.B), view(gb, m, L.B),
                view(giv, m, L.B), view(gh, m, L.B), k.s0, k.e0);
}

// One thread per batch member: the CUDA twin of Fused/FusedSystem.cs (same maths, same order of operations). Member
// holds one member's assembly, factorisation, substitutions, residuals and gradients; forwardKernel and backwardKernel
// are the per-member kernels' bodies (their C entry points are in mnn_kernels.cu).
#pragma once
#include "block_kernels.cuh"

template <int D_, int R1_>
struct Member {
    const Layout& L;
    long long m, B;
    int T, D, R1, R, n, nn, E;
    const double *c, *b, *iv, *h;   // (T·E·n, B), (T·E, B), (S·D·K, B), (T−1, B); read-only in every kernel (__ldg)
    G d0, d1, d2, mv, z2;

    __device__ __forceinline__ Member(const Layout& layout, long long member, const double* c_, const double* b_,
                                      const double* iv_, const double* h_, double* d0_, double* d1_, double* d2_,
                                      double* mv_, double* z2_)
        : L(layout), m(member), B(layout.B), c(c_), b(b_), iv(iv_), h(h_)
    {
        T = L.T; D = D_ > 0 ? D_ : L.D; R1 = R1_ > 0 ? R1_ : L.R + 1; R = R1 - 1; n = D * R1; nn = n * n; E = L.E;
        d0 = view(d0_, m, B); d1 = view(d1_, m, B); d2 = view(d2_, m, B); mv = view(mv_, m, B); z2 = view(z2_, m, B);
    }

    __device__ __forceinline__ double C(int i) const { return __ldg(c + (long long)i * B + m); }
    __device__ __forceinline__ double Bv(int i) const { return __ldg(b + (long long)i * B + m); }
    __device__ __forceinline__ double Iv(int i) const { return __ldg(iv + (long long)i * B + m); }
    __device__ __forceinline__ double H(int i) const { return __ldg(h + (long long)i * B + m); }

    // Block sizes known at compile time in the specialised kernels (registers), MAXN otherwise (local memory).
    static constexpr int NB = D_ > 0 && R1_ > 0 ? D_ * R1_ : MAXN;

    // Central-row weights of row t' (1 ≤ t' ≤ T−2): a = H^(R−2), b = H^(R−1) with H = h_{t'−1} + h_{t'}.
    __device__ __forceinline__ void centralWeights(int tc, double& a, double& bb) const
    {
        double Hs = H(tc - 1) + H(tc);
        a = ipow(Hs, R - 2); bb = ipow(Hs, R - 1);
    }
    __device__ __forceinline__ bool isCentralRow(int tc) const { return L.Central && tc >= 1 && tc <= T - 2; }

    // The assembled (unfactorised) blocks of block row t, computed from c and h directly ("pull" form of
    // BandedAssembler, same sums in the same order): A = M_tt, O1 = M_t,t−1 (t ≥ 1), O2 = M_t,t−2 (t ≥ 2, central).
    __device__ __forceinline__ void rawBlocks(int t, double* A, double* O1, double* O2) const
    {
        const double we2 = L.We2, ws2 = L.Ws2;
#pragma unroll
        for (int i = 0; i < nn; i++) { A[i] = 0; O1[i] = 0; O2[i] = 0; }
        for (int e = 0; e < E; e++) {
            double ce[NB];
#pragma unroll
            for (int i = 0; i < n; i++) ce[i] = C((t * E + e) * n + i);
#pragma unroll
            for (int i = 0; i < n; i++) {
                double ci = ce[i] * we2;
#pragma unroll
                for (int j = 0; j < n; j++) A[i * n + j] += ci * ce[j];
            }
        }
        double hp[MAXR1];
        if (t >= 1) {   // gap t−1: Q side on this row, and the coupling to row t−1
            powers(H(t - 1), hp, R1);
#pragma unroll
            for (int i = 0; i < R1; i++)
#pragma unroll
                for (int j = 0; j < R1; j++) {
                    double hh = hp[i] * hp[j] * ws2;
                    double qq = hh * L.QQ[i * R1 + j], qp = hh * L.QP[i * R1 + j];
#pragma unroll
                    for (int d = 0; d < D; d++) {
                        int k = (d * R1 + i) * n + d * R1 + j;
                        A[k] += qq; O1[k] += qp;
                    }
                }
        }
        if (t < T - 1) {   // gap t: P side
            powers(H(t), hp, R1);
#pragma unroll
            for (int i = 0; i < R1; i++)
#pragma unroll
                for (int j = 0; j < R1; j++) {
                    double pp = hp[i] * hp[j] * ws2 * L.PP[i * R1 + j];
#pragma unroll
                    for (int d = 0; d < D; d++) A[(d * R1 + i) * n + d * R1 + j] += pp;
                }
        }
        if (L.Central) {
            double a, bb;
#pragma unroll
            for (int d = 0; d < D; d++) {
                int i1 = d * R1 + R - 1, i0 = d * R1 + R;
                if (isCentralRow(t - 1)) {   // row t−1 reaches rows t−2, t−1, t
                    centralWeights(t - 1, a, bb);
                    A[i1 * n + i1] += a * a * ws2;
                    O1[i1 * n + i0] -= a * bb * ws2;
                    O2[i1 * n + i1] -= a * a * ws2;
                }
                if (isCentralRow(t)) {
                    centralWeights(t, a, bb);
                    A[i0 * n + i0] += bb * bb * ws2;
                    O1[i0 * n + i1] += a * bb * ws2;
                }
                if (isCentralRow(t + 1)) {
                    centralWeights(t + 1, a, bb);
                    A[i1 * n + i1] += a * a * ws2;
                }
            }
        }
        // Loops run to compile-time bounds with runtime predicates, so register arrays are never indexed dynamically
        // (that would demote them to local memory).
        if (t < L.S)
#pragma unroll
            for (int d = 0; d < D; d++)
#pragma unroll
                for (int i = 0; i < R1; i++)
                    if (i < L.K) A[(d * R1 + i) * (n + 1)] += L.Wi2;
    }

    // The unscaled ε border m (T·n): column sums of the smoothness rows (see BandedAssembler).
    __device__ void assembleBorder()
    {
        const double ws2 = L.Ws2;
        for (int i = 0; i < T * n; i++) mv[i] = 0;
        double hp[MAXR1];
        for (int g = 0; g < T - 1; g++) {
            powers(H(g), hp, R1);
            for (int i = 0; i < R1; i++) {
                double mp = hp[i] * (ws2 * L.ColP[i]), mq = hp[i] * (ws2 * L.ColQ[i]);
                for (int d = 0; d < D; d++) { mv[g * n + d * R1 + i] += mp; mv[(g + 1) * n + d * R1 + i] += mq; }
            }
        }
        if (L.Central)
            for (int t = 1; t < T - 1; t++) {
                double a, bb;
                centralWeights(t, a, bb);
                for (int d = 0; d < D; d++) {
                    int i1 = d * R1 + R - 1, i0 = d * R1 + R;
                    mv[(t - 1) * n + i1] -= a * ws2;
                    mv[t * n + i0] -= bb * ws2;
                    mv[(t + 1) * n + i1] += a * ws2;
                }
            }
    }

    // Structural test (see Wellposedness): true when the equation and initial rows leave a polynomial of degree ≤ R free.
    __device__ bool unpinnedPolynomials()
    {
        const int nb = n;
        double gram[MAXN * MAXN], derivs[MAXR1 * MAXR1], row[MAXN], slopePow[MAXR1], tauPow[MAXR1], scale[MAXN];
        for (int i = 0; i < nb * nb; i++) gram[i] = 0;
        for (int i = 0; i < R1 * R1; i++) derivs[i] = 0;   // entries j > k are read as zeros below
        double span = 0;
        for (int g = 0; g < T - 1; g++) span += H(g);
        double slope = 2.0 / span;
        powers(slope, slopePow, R1);
        double time = 0;
        for (int t = 0; t < T; t++) {
            if (t > 0) time += H(t - 1);
            powers(time * slope - 1.0, tauPow, R1);
            for (int k = 0; k < R1; k++)
                for (int j = 0; j <= k; j++) derivs[k * R1 + j] = tauPow[k - j] * slopePow[j] * L.Falling[k * R1 + j];
            for (int e = 0; e < E; e++) {
                for (int d = 0; d < D; d++)
                    for (int k = 0; k < R1; k++) {
                        double v = 0;
                        for (int j = 0; j < R1; j++) v += C((t * E + e) * n + d * R1 + j) * derivs[k * R1 + j];
                        row[d * R1 + k] = v;
                    }
                addOuter(gram, row, nb, L.We2);
            }
            if (t < L.S)
                for (int d = 0; d < D; d++)
                    for (int j = 0; j < L.K; j++) {
                        for (int q = 0; q < nb; q++) row[q] = 0;
                        for (int k = 0; k < R1; k++) row[d * R1 + k] = derivs[k * R1 + j];
                        addOuter(gram, row, nb, L.Wi2);
                    }
        }
        bool empty = false;
        for (int q = 0; q < nb; q++) {
            double dq = gram[q * nb + q];
            if (!(dq > 0)) empty = true;
            scale[q] = 1.0 / sqrt(dq);
        }
        for (int i = 0; i < nb; i++)
            for (int j = 0; j < nb; j++) gram[i * nb + j] *= scale[i] * scale[j];
        bool failed = false;
        double mn = cholesky(gram, nb, nullptr, failed);
        return failed || empty || mn < L.NullspaceTolerance;
    }

    __device__ static void addOuter(double* gram, const double* row, int nb, double weight)
    {
        for (int i = 0; i < nb; i++) {
            double ri = row[i] * weight;
            for (int j = 0; j < nb; j++) gram[i * nb + j] += ri * row[j];
        }
    }

    // Blocked Cholesky of the banded part (pivots normalised by the assembled diagonal), the structural test where a
    // pivot looks suspicious, and the ε Schur complement. status: info, min pivot, unpinned, relative Schur.
    // Blocks are assembled in registers, factorised there, and only stored for the substitutions; the factors of the
    // previous two rows are carried in registers, so the step-to-step chain never waits on memory.
    __device__ void factorise(G status, double* invSchur)
    {
        double mn = __longlong_as_double(0x7ff0000000000000LL), info = 0;
        bool failed = false;
        factorRange(0, T, mn, failed, info);
        status[0] = info;
        status[1] = failed ? __longlong_as_double(0x7ff8000000000000LL) : mn;
        status[2] = (mn < L.SuspiciousPivot || failed) && unpinnedPolynomials() ? 1.0 : 0.0;
        status[3] = 1.0;
        if (!L.Epsilon) return;
        assembleBorder();
        copy(z2, mv, T * n);
        bandedSolve(z2);
        double schur = L.Corner - dot(mv, z2, T * n);
        invSchur[m] = 1.0 / schur;
        status[3] = schur / L.Corner;
    }

    // Blocked Cholesky of the rows [t0, t1) alone (no coupling to rows outside): the whole member, or a chunk's interior.
    __device__ void factorRange(int t0, int t1, double& mn, bool& failed, double& info)
    {
        double diag[NB];
        double A[NB * NB], O1[NB * NB], O2[NB * NB], L1[NB * NB], L2[NB * NB], P1[NB * NB];   // P1: O1 of row t−1
        for (int t = t0; t < t1; t++) {
            rawBlocks(t, A, O1, O2);
#pragma unroll
            for (int k = 0; k < n; k++) diag[k] = 1.0 / A[k * (n + 1)];
            if (t >= t0 + 1) {
                if (L.Central && t >= t0 + 2) {
                    rightSolveTransposed(O2, L2, n);
                    subtractABt(O1, O2, P1, n);
                    subtractABt(A, O2, O2, n);
                    G d2t = d2 + (t - 2) * nn;
#pragma unroll
                    for (int i = 0; i < nn; i++) d2t[i] = O2[i];
                }
                rightSolveTransposed(O1, L1, n);
                subtractABt(A, O1, O1, n);
                G d1t = d1 + (t - 1) * nn;
#pragma unroll
                for (int i = 0; i < nn; i++) { d1t[i] = O1[i]; P1[i] = O1[i]; }
            }
            bool before = failed;
            mn = fmin(mn, cholesky(A, n, diag, failed));
            if (failed && !before) info = t + 1.0;
            G d0t = d0 + t * nn;
#pragma unroll
            for (int i = 0; i < nn; i++) { d0t[i] = A[i]; L2[i] = L1[i]; L1[i] = A[i]; }
        }
    }

    // v := (L Lᵀ)⁻¹ v. The previous two solution blocks stay in registers; each step's factor blocks and right-hand
    // side are loaded one step ahead (before this step's stores), so their latency overlaps the arithmetic.
    __device__ void bandedSolve(G v, int t0 = 0, int t1 = -1)
    {
        if (t1 < 0) t1 = T;
        const bool central = L.Central;
        double a[NB * NB], o1[NB * NB], o2[NB * NB], vt[NB], v1[NB], v2[NB];
        double na[NB * NB], no1[NB * NB], no2[NB * NB], nv[NB];
        auto load = [&](int t, double* fa, double* f1, double* f2, double* fv) {
#pragma unroll
            for (int i = 0; i < nn; i++) fa[i] = d0[t * nn + i];
            if (t >= t0 + 1)
#pragma unroll
                for (int i = 0; i < nn; i++) f1[i] = d1[(t - 1) * nn + i];
            if (central && t >= t0 + 2)
#pragma unroll
                for (int i = 0; i < nn; i++) f2[i] = d2[(t - 2) * nn + i];
#pragma unroll
            for (int i = 0; i < n; i++) fv[i] = v[t * n + i];
        };
        load(t0, na, no1, no2, nv);
#pragma unroll
        for (int i = 0; i < n; i++) { v1[i] = 0; v2[i] = 0; }
        for (int t = t0; t < t1; t++) {
#pragma unroll
            for (int i = 0; i < nn; i++) { a[i] = na[i]; o1[i] = no1[i]; o2[i] = no2[i]; }
#pragma unroll
            for (int i = 0; i < n; i++) vt[i] = nv[i];
            if (t + 1 < t1) load(t + 1, na, no1, no2, nv);
            if (t >= t0 + 1) subtractAv(vt, o1, v1, n);
            if (central && t >= t0 + 2) subtractAv(vt, o2, v2, n);
            lowerSolve(a, vt, n);
#pragma unroll
            for (int i = 0; i < n; i++) { v[t * n + i] = vt[i]; v2[i] = v1[i]; v1[i] = vt[i]; }
        }
        // Backward: row t needs M_t+1,t = d1[t] and M_t+2,t = d2[t]; v1, v2 now hold v_{t+1}, v_{t+2}.
        auto loadBack = [&](int t, double* fa, double* f1, double* f2, double* fv) {
#pragma unroll
            for (int i = 0; i < nn; i++) fa[i] = d0[t * nn + i];
            if (t + 1 < t1)
#pragma unroll
                for (int i = 0; i < nn; i++) f1[i] = d1[t * nn + i];
            if (central && t + 2 < t1)
#pragma unroll
                for (int i = 0; i < nn; i++) f2[i] = d2[t * nn + i];
#pragma unroll
            for (int i = 0; i < n; i++) fv[i] = v[t * n + i];
        };
        loadBack(t1 - 1, na, no1, no2, nv);
#pragma unroll
        for (int i = 0; i < n; i++) { v1[i] = 0; v2[i] = 0; }
        for (int t = t1 - 1; t >= t0; t--) {
#pragma unroll
            for (int i = 0; i < nn; i++) { a[i] = na[i]; o1[i] = no1[i]; o2[i] = no2[i]; }
#pragma unroll
            for (int i = 0; i < n; i++) vt[i] = nv[i];
            if (t >= t0 + 1) loadBack(t - 1, na, no1, no2, nv);
            if (t + 1 < t1) subtractAtv(vt, o1, v1, n);
            if (central && t + 2 < t1) subtractAtv(vt, o2, v2, n);
            lowerTransposedSolve(a, vt, n);
#pragma unroll
            for (int i = 0; i < n; i++) { v[t * n + i] = vt[i]; v2[i] = v1[i]; v1[i] = vt[i]; }
        }
    }

    // Solves M[x_ε; x] = [r_ε; r]: r is overwritten by x; returns x_ε.
    __device__ double solveFull(G r, double rEps, double invSchur)
    {
        bandedSolve(r);
        if (!L.Epsilon) return 0;
        double eps = (rEps - dot(mv, r, T * n)) * invSchur;
        axpy(r, -eps, z2, T * n);
        return eps;
    }

    // AᵀW²β: equation and initial rows, one block at a time in registers.
    __device__ void assembleRhs(G r, int t0 = 0, int t1 = -1)
    {
        if (t1 < 0) t1 = T;
        for (int t = t0; t < t1; t++) {
            double acc[NB];
#pragma unroll
            for (int i = 0; i < n; i++) acc[i] = 0;
            for (int e = 0; e < E; e++) {
                double be = Bv(t * E + e) * L.We2;
#pragma unroll
                for (int i = 0; i < n; i++) acc[i] += C((t * E + e) * n + i) * be;
            }
            if (t < L.S)
#pragma unroll
                for (int d = 0; d < D; d++)
#pragma unroll
                    for (int i = 0; i < R1; i++)
                        if (i < L.K) acc[d * R1 + i] += Iv((t * D + d) * L.K + i) * L.Wi2;
#pragma unroll
            for (int i = 0; i < n; i++) r[t * n + i] = acc[i];
        }
    }

    // Aᵀ W² (β·[targets] − A[x_ε; x]) into outX; returns its ε component. Walks the steps once with a window of three
    // solution blocks and three output blocks in registers: block t−1 is final once rows t are done, so every output
    // is written once and x is loaded one step ahead.
    __device__ double rowResidual(G x, double xEps, G outX, bool targets)
    {
        const int nr = L.Rows;
        const double eps = L.Epsilon ? xEps : 0.0;
        double outEps = 0;
        double xm1[NB], x0[NB], xp1[NB], nx[NB], om1[NB], o0[NB], op1[NB];
        double hp[MAXR1];
#pragma unroll
        for (int i = 0; i < n; i++) {
            xm1[i] = 0; x0[i] = x[i]; xp1[i] = T > 1 ? x[n + i] : 0.0; om1[i] = 0; o0[i] = 0; op1[i] = 0;
        }
        for (int t = 0; t < T; t++) {
            if (t + 2 < T)
#pragma unroll
                for (int i = 0; i < n; i++) nx[i] = x[(t + 2) * n + i];
            for (int e = 0; e < E; e++) {
                double ce[NB], ax = 0;
#pragma unroll
                for (int i = 0; i < n; i++) { ce[i] = C((t * E + e) * n + i); ax += ce[i] * x0[i]; }
                double rho = ((targets ? Bv(t * E + e) : 0.0) - ax) * L.We2;
#pragma unroll
                for (int i = 0; i < n; i++) o0[i] += ce[i] * rho;
            }
            if (t < L.S)
#pragma unroll
                for (int d = 0; d < D; d++)
#pragma unroll
                    for (int i = 0; i < R1; i++) {
                        int k = d * R1 + i;
                        if (i < L.K) o0[k] += ((targets ? Iv((t * D + d) * L.K + i) : 0.0) - x0[k]) * L.Wi2;
                    }
            if (t < T - 1) {   // gap t joins x_t and x_t+1
                powers(H(t), hp, R1);
#pragma unroll
                for (int d = 0; d < D; d++) {
                    const int o = d * R1;
#pragma unroll
                    for (int r = 0; r < 2 * R1; r++) {   // the rows per gap are 2R or 2R + 2 ≤ 2·(R+1)
                        if (r >= nr) break;
                        int p0 = L.PStart[r], p1 = L.PEnd[r], q0 = L.QStart[r], q1 = L.QEnd[r];
                        double kp[MAXR1], kq[MAXR1], ax = eps;
#pragma unroll
                        for (int j = 0; j < R1; j++) {
                            kp[j] = hp[j] * L.KP[r * R1 + j];
                            kq[j] = hp[j] * L.KQ[r * R1 + j];
                        }
#pragma unroll
                        for (int j = 0; j < R1; j++) if (j >= p0 && j < p1) ax += kp[j] * x0[o + j];
#pragma unroll
                        for (int j = 0; j < R1; j++) if (j >= q0 && j < q1) ax += kq[j] * xp1[o + j];
                        double rho = ax * -L.Ws2;
#pragma unroll
                        for (int j = 0; j < R1; j++) if (j >= p0 && j < p1) o0[o + j] += kp[j] * rho;
#pragma unroll
                        for (int j = 0; j < R1; j++) if (j >= q0 && j < q1) op1[o + j] += kq[j] * rho;
                        outEps += rho;
                    }
                }
            }
            if (isCentralRow(t)) {
                double a, bb;
                centralWeights(t, a, bb);
#pragma unroll
                for (int d = 0; d < D; d++) {
                    int i1 = d * R1 + R - 1, i0 = d * R1 + R;
                    double ax = eps + a * (xp1[i1] - xm1[i1]) - bb * x0[i0];
                    double rho = ax * -L.Ws2;
                    om1[i1] -= a * rho;
                    o0[i0] -= bb * rho;
                    op1[i1] += a * rho;
                    outEps += rho;
                }
            }
            if (t >= 1)
#pragma unroll
                for (int i = 0; i < n; i++) outX[(t - 1) * n + i] = om1[i];
#pragma unroll
            for (int i = 0; i < n; i++) {
                om1[i] = o0[i]; o0[i] = op1[i]; op1[i] = 0;
                xm1[i] = x0[i]; x0[i] = xp1[i]; xp1[i] = t + 2 < T ? nx[i] : 0.0;
            }
        }
#pragma unroll
        for (int i = 0; i < n; i++) outX[(T - 1) * n + i] = om1[i];
        return L.Epsilon ? outEps : 0.0;
    }

    // One output block of rowResidual in pull form: the equation and initial rows of step t, the smoothness rows of
    // gaps t−1 (Q side) and t (P side), and the central rows t−1, t, t+1. Returns the ε component of the rows that
    // step t owns (gap t and central row t), so that a sum over all steps counts every row once.
    __device__ double residualBlock(int t, G x, double xEps, G outX, bool targets)
    {
        const double eps = L.Epsilon ? xEps : 0.0;
        double xw[5][NB], o[NB], hp[MAXR1], owned = 0;   // xw[k] = x_{t+k−2}, zero outside [0, T)
#pragma unroll
        for (int k = 0; k < 5; k++) {
            int tt = t + k - 2;
            bool inside = tt >= 0 && tt < T && (L.Central || (k >= 1 && k <= 3));
#pragma unroll
            for (int i = 0; i < n; i++) xw[k][i] = inside ? x[tt * n + i] : 0.0;
        }
#pragma unroll
        for (int i = 0; i < n; i++) o[i] = 0;
        for (int e = 0; e < E; e++) {
            double ce[NB], ax = 0;
#pragma unroll
            for (int i = 0; i < n; i++) { ce[i] = C((t * E + e) * n + i); ax += ce[i] * xw[2][i]; }
            double rho = ((targets ? Bv(t * E + e) : 0.0) - ax) * L.We2;
#pragma unroll
            for (int i = 0; i < n; i++) o[i] += ce[i] * rho;
        }
        if (t < L.S)
#pragma unroll
            for (int d = 0; d < D; d++)
#pragma unroll
                for (int i = 0; i < R1; i++) {
                    int k = d * R1 + i;
                    if (i < L.K) o[k] += ((targets ? Iv((t * D + d) * L.K + i) : 0.0) - xw[2][k]) * L.Wi2;
                }
#pragma unroll
        for (int side = 0; side < 2; side++) {   // 0: gap t−1 (this step is its Q side), 1: gap t (P side, owned)
            int g = t - 1 + side;
            if (g < 0 || g >= T - 1) continue;
            powers(H(g), hp, R1);
#pragma unroll
            for (int d = 0; d < D; d++) {
                const int od = d * R1;
#pragma unroll
                for (int r = 0; r < 2 * R1; r++) {
                    if (r >= L.Rows) break;
                    int p0 = L.PStart[r], p1 = L.PEnd[r], q0 = L.QStart[r], q1 = L.QEnd[r];
                    double ax = eps;
#pragma unroll
                    for (int j = 0; j < R1; j++) if (j >= p0 && j < p1) ax += hp[j] * L.KP[r * R1 + j] * xw[1 + side][od + j];
#pragma unroll
                    for (int j = 0; j < R1; j++) if (j >= q0 && j < q1) ax += hp[j] * L.KQ[r * R1 + j] * xw[2 + side][od + j];
                    double rho = ax * -L.Ws2;
                    if (side == 0) {
#pragma unroll
                        for (int j = 0; j < R1; j++) if (j >= q0 && j < q1) o[od + j] += hp[j] * L.KQ[r * R1 + j] * rho;
                    } else {
#pragma unroll
                        for (int j = 0; j < R1; j++) if (j >= p0 && j < p1) o[od + j] += hp[j] * L.KP[r * R1 + j] * rho;
                        owned += rho;
                    }
                }
            }
        }
        if (L.Central)
#pragma unroll
            for (int k = -1; k <= 1; k++) {   // central row t + k reads x_{t+k−1}, x_{t+k}, x_{t+k+1}
                int tc = t + k;
                if (!isCentralRow(tc)) continue;
                double a, bb;
                centralWeights(tc, a, bb);
#pragma unroll
                for (int d = 0; d < D; d++) {
                    int i1 = d * R1 + R - 1, i0 = d * R1 + R;
                    double ax = eps + a * (xw[k + 3][i1] - xw[k + 1][i1]) - bb * xw[k + 2][i0];
                    double rho = ax * -L.Ws2;
                    if (k == 1) o[i1] -= a * rho;
                    if (k == 0) { o[i0] -= bb * rho; owned += rho; }
                    if (k == -1) o[i1] += a * rho;
                }
            }
#pragma unroll
        for (int i = 0; i < n; i++) outX[t * n + i] = o[i];
        return L.Epsilon ? owned : 0.0;
    }

    // The unscaled ε border at step t in pull form (same terms as assembleBorder).
    __device__ void borderBlock(int t, G out)
    {
        const double ws2 = L.Ws2;
        double m[NB], hp[MAXR1];
#pragma unroll
        for (int i = 0; i < n; i++) m[i] = 0;
        if (t >= 1) {
            powers(H(t - 1), hp, R1);
#pragma unroll
            for (int i = 0; i < R1; i++)
#pragma unroll
                for (int d = 0; d < D; d++) m[d * R1 + i] += hp[i] * (ws2 * L.ColQ[i]);
        }
        if (t < T - 1) {
            powers(H(t), hp, R1);
#pragma unroll
            for (int i = 0; i < R1; i++)
#pragma unroll
                for (int d = 0; d < D; d++) m[d * R1 + i] += hp[i] * (ws2 * L.ColP[i]);
        }
        if (L.Central) {
            double a, bb;
#pragma unroll
            for (int d = 0; d < D; d++) {
                int i1 = d * R1 + R - 1, i0 = d * R1 + R;
                if (isCentralRow(t + 1)) { centralWeights(t + 1, a, bb); m[i1] -= a * ws2; }
                if (isCentralRow(t)) { centralWeights(t, a, bb); m[i0] -= bb * ws2; }
                if (isCentralRow(t - 1)) { centralWeights(t - 1, a, bb); m[i1] += a * ws2; }
            }
        }
#pragma unroll
        for (int i = 0; i < n; i++) out[t * n + i] = m[i];
    }

    // Input gradients from the solution x and the adjoint λ (see BandedGradients / FusedSystem.PackGradients).
    // Steps [t0, t1) and the gaps they start (the whole member by default; a chunk of it in the chunked kernels).
    __device__ void gradients(G x, double xe, G lam, double le, G gc, G gb, G giv, G gh, int t0 = 0, int t1 = -1)
    {
        if (t1 < 0) t1 = T;
        const int nr = L.Rows;
        for (int t = t0; t < t1; t++)
            for (int e = 0; e < E; e++) {
                double ce[MAXN], ax = 0, al = 0;
#pragma unroll
                for (int i = 0; i < n; i++) {
                    ce[i] = C((t * E + e) * n + i);
                    ax += ce[i] * x[t * n + i];
                    al += ce[i] * lam[t * n + i];
                }
                double rho = (Bv(t * E + e) - ax) * L.We2, mu = al * L.We2;
                gb[t * E + e] = mu;
#pragma unroll
                for (int i = 0; i < n; i++) gc[(t * E + e) * n + i] = rho * lam[t * n + i] - mu * x[t * n + i];
            }
        for (int s = t0; s < L.S && s < t1; s++)
            for (int d = 0; d < D; d++)
                for (int i = 0; i < L.K; i++) giv[(s * D + d) * L.K + i] = lam[s * n + d * R1 + i] * L.Wi2;   // G views: no registers involved

        double hp[MAXR1], dhp[MAXR1];
        double carried = isCentralRow(t0) ? centralStepGradient(t0, x, xe, lam, le) : 0.0;
        for (int g = t0; g < T - 1 && g < t1; g++) {
            double hg = H(g);
            powers(hg, hp, R1);
            dhp[0] = 0;
#pragma unroll
            for (int j = 1; j < R1; j++) dhp[j] = hp[j - 1] * j;  // d(h^j)/dh = j·h^(j−1)
            double sum = 0;
#pragma unroll
            for (int d = 0; d < D; d++) {
                G xa = x + (g * n + d * R1), xb = xa + n, la = lam + (g * n + d * R1), lb = la + n;
                double vxa[MAXR1], vxb[MAXR1], vla[MAXR1], vlb[MAXR1];
#pragma unroll
                for (int j = 0; j < R1; j++) { vxa[j] = xa[j]; vxb[j] = xb[j]; vla[j] = la[j]; vlb[j] = lb[j]; }
#pragma unroll
                for (int r = 0; r < 2 * R1; r++) {
                    if (r >= nr) break;
                    int p0 = L.PStart[r], p1 = L.PEnd[r], q0 = L.QStart[r], q1 = L.QEnd[r];
                    double ax = xe, al = le;
#pragma unroll
                    for (int j = 0; j < R1; j++)
                        if (j >= p0 && j < p1) { double k = hp[j] * L.KP[r * R1 + j]; ax += k * vxa[j]; al += k * vla[j]; }
#pragma unroll
                    for (int j = 0; j < R1; j++)
                        if (j >= q0 && j < q1) { double k = hp[j] * L.KQ[r * R1 + j]; ax += k * vxb[j]; al += k * vlb[j]; }
                    double rho = ax * -L.Ws2, mu = al * L.Ws2;
#pragma unroll
                    for (int j = 1; j < R1; j++)
                        if (j >= p0 && j < p1) sum += dhp[j] * (rho * vla[j] - mu * vxa[j]) * L.KP[r * R1 + j];
#pragma unroll
                    for (int j = 1; j < R1; j++)
                        if (j >= q0 && j < q1) sum += dhp[j] * (rho * vlb[j] - mu * vxb[j]) * L.KQ[r * R1 + j];
                }
            }
            // Central row t (steps t−1, t, t+1) depends on h_t−1 + h_t: its share reaches gaps t−1 and t.
            double next = isCentralRow(g + 1) ? centralStepGradient(g + 1, x, xe, lam, le) : 0.0;
            gh[g] = sum + carried + next;
            carried = next;
        }
    }

    // d/dH of the central rows of step t (all dims), H = h_t−1 + h_t.
    __device__ double centralStepGradient(int t, G x, double xe, G lam, double le)
    {
        double Hs = H(t - 1) + H(t);
        double a = ipow(Hs, R - 2), bb = ipow(Hs, R - 1), da = ipow(Hs, R - 3) * (R - 2), db = ipow(Hs, R - 2) * (R - 1);
        double dH = 0;
#pragma unroll
        for (int d = 0; d < D; d++) {
            int i1 = d * R1 + R - 1, i0 = d * R1 + R;
            double dx = x[(t + 1) * n + i1] - x[(t - 1) * n + i1], dl = lam[(t + 1) * n + i1] - lam[(t - 1) * n + i1];
            double rho = (xe + a * dx - bb * x[t * n + i0]) * -L.Ws2;
            double mu = (le + a * dl - bb * lam[t * n + i0]) * L.Ws2;
            dH += da * (rho * dl - mu * dx) - db * (rho * lam[t * n + i0] - mu * x[t * n + i0]);
        }
        return dH;
    }
};

// The host's whole check in one number per member (status row 4), so a healthy batch costs one read: 0 well-posed and
// finite; 1 singular / not positive definite (as Wellposedness.Check decides: a failed or NaN pivot, or a suspicious one
// that the structural test confirms); 2 ε undetermined (relative Schur complement ≤ 1e-13); 3 a non-finite solution.
// Anything but 0 also sets the batch's one flag word, which is all the host reads on the happy path; it then goes
// through Wellposedness for the exact message.
__device__ __forceinline__ double verdict(const Layout& L, G status, bool finite)
{
    double info = status[0], mn = status[1];
    bool bad = info != 0 || isnan(mn);
    if (!bad && mn < L.SuspiciousPivot && status[2] != 0) bad = true;
    if (bad) return 1;
    if (L.Epsilon && !(status[3] >= 1e-13)) return 2;
    return finite ? 0 : 3;
}

__device__ __forceinline__ bool allFinite(G x, int from, int to)
{
    bool ok = true;
    for (int i = from; i < to; i++) ok &= isfinite(x[i]);
    return ok;
}

// ------------------------------------------------------------------ the per-member kernels' bodies

// Factorise, solve and refine. x, r: (T·n, B); eps, invSchur: (B); status: (5, B), see verdict(); flag: one word.
template <int D_, int R1_>
__device__ void forwardKernel(const Layout& L, const double* c, const double* b, const double* iv, const double* h,
                              double* d0, double* d1, double* d2, double* mv, double* z2, double* invSchur,
                              double* status, double* x, double* eps, double* r, unsigned int* flag)
{
    long long m = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (m >= L.B) return;
    Member<D_, R1_> s(L, m, c, b, iv, h, d0, d1, d2, mv, z2);
    s.factorise(view(status, m, L.B), invSchur);
    double is = L.Epsilon ? invSchur[m] : 0.0;
    G xm = view(x, m, L.B), rm = view(r, m, L.B);
    s.assembleRhs(xm);
    double e = s.solveFull(xm, L.Reward, is);
    for (int k = 0; k < L.Refinements; k++) {
        double re = s.rowResidual(xm, e, rm, true) + L.Reward;
        double de = s.solveFull(rm, re, is);
        axpy(xm, 1.0, rm, s.T * s.n);
        e += de;
    }
    eps[m] = e;
    G st = view(status, m, L.B);
    st[4] = verdict(L, st, allFinite(xm, 0, s.T * s.n));
    if (st[4] != 0) atomicOr(flag, 1u);
}

// λ = M⁻¹g (refined), then all input gradients. g, lam, r: (T·n, B); gEps: (B).
template <int D_, int R1_>
__device__ void backwardKernel(const Layout& L, const double* c, const double* b, const double* iv, const double* h,
                               double* d0, double* d1, double* d2, double* mv, double* z2, const double* invSchur,
                               const double* x, const double* eps, const double* g, const double* gEps,
                               double* lam, double* r, double* gc, double* gb, double* giv, double* gh)
{
    long long m = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (m >= L.B) return;
    Member<D_, R1_> s(L, m, c, b, iv, h, d0, d1, d2, mv, z2);
    double is = L.Epsilon ? invSchur[m] : 0.0, ge = L.Epsilon ? gEps[m] : 0.0;
    G lm = view(lam, m, L.B), rm = view(r, m, L.B), gm = view(g, m, L.B);
    int Tn = s.T * s.n;
    copy(lm, gm, Tn);
    double le = s.solveFull(lm, ge, is);
    for (int k = 0; k < L.Refinements; k++) {
        double re = s.rowResidual(lm, le, rm, false) + ge;
        axpy(rm, 1.0, gm, Tn);
        double de = s.solveFull(rm, re, is);
        axpy(lm, 1.0, rm, Tn);
        le += de;
    }
    s.gradients(view(x, m, L.B), L.Epsilon ? eps[m] : 0.0, lm, L.Epsilon ? le : 0.0,
                view(gc, m, L.B), view(gb, m, L.B), view(giv, m, L.B), view(gh, m, L.B));
}

// Small dense n×n kernels of one member's blocks (the CUDA twin of Fused/BlockKernels.cs), and the strided vector
// loops over one member's (length, B) arrays. Cholesky factors keep 1/L_ii on their diagonal, so substitutions never
// divide. Every loop bound is a compile-time constant in the specialised kernels: with #pragma unroll, the blocks stay
// in registers.
#pragma once
#include "layout.cuh"

// In-place lower Cholesky (diagonal replaced by 1/L_ii); returns the smallest squared pivot (relative to inverseDiagonal
// when given) and sets failed when a pivot is not positive.
template <class A>
__device__ __forceinline__ double cholesky(A a, int n, const double* inverseDiagonal, bool& failed)
{
    double mn = __longlong_as_double(0x7ff0000000000000LL);
#pragma unroll
    for (int j = 0; j < n; j++) {
        double d = a[j * n + j];
#pragma unroll
        for (int k = 0; k < j; k++) d -= a[j * n + k] * a[j * n + k];
        if (!(d > 0)) failed = true;
        mn = fmin(mn, inverseDiagonal == nullptr ? d : d * inverseDiagonal[j]);
        double inv = 1.0 / sqrt(d);
        a[j * n + j] = inv;
#pragma unroll
        for (int i = j + 1; i < n; i++) {
            double s = a[i * n + j];
#pragma unroll
            for (int k = 0; k < j; k++) s -= a[i * n + k] * a[j * n + k];
            a[i * n + j] = s * inv;
        }
    }
    return mn;
}

// x := x·L⁻ᵀ
template <class TX, class TL>
__device__ __forceinline__ void rightSolveTransposed(TX x, TL l, int n)
{
#pragma unroll
    for (int r = 0; r < n; r++)
#pragma unroll
        for (int k = 0; k < n; k++) {
            double s = x[r * n + k];
#pragma unroll
            for (int j = 0; j < k; j++) s -= x[r * n + j] * l[k * n + j];
            x[r * n + k] = s * l[k * n + k];
        }
}

// c −= a·bᵀ
template <class TC, class TA, class TB>
__device__ __forceinline__ void subtractABt(TC c, TA a, TB b, int n)
{
#pragma unroll
    for (int i = 0; i < n; i++)
#pragma unroll
        for (int j = 0; j < n; j++) {
            double s = 0;
#pragma unroll
            for (int k = 0; k < n; k++) s += a[i * n + k] * b[j * n + k];
            c[i * n + j] -= s;
        }
}

// v −= a·w
template <class TV, class TA, class TW>
__device__ __forceinline__ void subtractAv(TV v, TA a, TW w, int n)
{
#pragma unroll
    for (int i = 0; i < n; i++) {
        double s = 0;
#pragma unroll
        for (int k = 0; k < n; k++) s += a[i * n + k] * w[k];
        v[i] -= s;
    }
}

// v −= aᵀ·w
template <class TV, class TA, class TW>
__device__ __forceinline__ void subtractAtv(TV v, TA a, TW w, int n)
{
#pragma unroll
    for (int k = 0; k < n; k++) {
        double wk = w[k];
#pragma unroll
        for (int i = 0; i < n; i++) v[i] -= a[k * n + i] * wk;
    }
}

// v := L⁻¹v
template <class TL, class TV>
__device__ __forceinline__ void lowerSolve(TL l, TV v, int n)
{
#pragma unroll
    for (int i = 0; i < n; i++) {
        double s = v[i];
#pragma unroll
        for (int k = 0; k < i; k++) s -= l[i * n + k] * v[k];
        v[i] = s * l[i * n + i];
    }
}

// v := L⁻ᵀv
template <class TL, class TV>
__device__ __forceinline__ void lowerTransposedSolve(TL l, TV v, int n)
{
#pragma unroll
    for (int i = n - 1; i >= 0; i--) {
        double s = v[i];
#pragma unroll
        for (int k = i + 1; k < n; k++) s -= l[k * n + i] * v[k];
        v[i] = s * l[i * n + i];
    }
}

// Column c of a row-major block with `stride` columns, as a vector: the substitutions above then serve a block of
// right-hand sides one column at a time.
struct Column {
    double* p;
    int stride;
    __device__ __forceinline__ double& operator[](int i) const { return p[i * stride]; }
};

// One block row of a block-banded substitution, for the `cols` right-hand sides of v at once (v, p1, p2: n × cols,
// row-major). Forward: v := L⁻¹(v − O1·p1 − O2·p2); Transposed (the backward sweep): v := L⁻ᵀ(v − O1ᵀ·p1 − O2ᵀ·p2).
// L is the row's Cholesky factor, O1 and O2 its couplings to the two rows solved before it (p1, p2), zero where absent.
template <bool Transposed>
__device__ __forceinline__ void substituteRow(const double* l, const double* o1, const double* p1, const double* o2,
                                              const double* p2, double* v, int n, int cols)
{
#pragma unroll
    for (int i = 0; i < n; i++)
#pragma unroll
        for (int c = 0; c < cols; c++) {
            double x = v[i * cols + c];
#pragma unroll
            for (int k = 0; k < n; k++) {
                int ik = Transposed ? k * n + i : i * n + k;
                x -= o1[ik] * p1[k * cols + c] + o2[ik] * p2[k * cols + c];
            }
            v[i * cols + c] = x;
        }
#pragma unroll
    for (int c = 0; c < cols; c++) {
        if (Transposed) lowerTransposedSolve(l, Column{v + c, cols}, n);
        else lowerSolve(l, Column{v + c, cols}, n);
    }
}

__device__ __forceinline__ double ipow(double x, int p)
{
    double r = 1;
    for (int i = 0; i < (p < 0 ? -p : p); i++) r *= x;
    return p >= 0 ? r : 1.0 / r;
}

__device__ __forceinline__ void powers(double h, double* hp, int count)
{
    hp[0] = 1;
    for (int j = 1; j < count; j++) hp[j] = hp[j - 1] * h;
}

// y += α·x, dst = src, y += x and Σ a·b over one member's strided arrays, eight elements per round so that eight loads
// are in flight at once (the compiler cannot prove strided views disjoint, so it would otherwise wait on each store).
__device__ __forceinline__ void axpy(G y, double alpha, G x, int len)
{
    int i = 0;
    for (; i + 8 <= len; i += 8) {
        double a[8], b[8];
#pragma unroll
        for (int k = 0; k < 8; k++) { a[k] = y[i + k]; b[k] = x[i + k]; }
#pragma unroll
        for (int k = 0; k < 8; k++) y[i + k] = a[k] + alpha * b[k];
    }
    for (; i < len; i++) y[i] += alpha * x[i];
}

__device__ __forceinline__ void copy(G dst, G src, int len)
{
    int i = 0;
    for (; i + 8 <= len; i += 8) {
        double a[8];
#pragma unroll
        for (int k = 0; k < 8; k++) a[k] = src[i + k];
#pragma unroll
        for (int k = 0; k < 8; k++) dst[i + k] = a[k];
    }
    for (; i < len; i++) dst[i] = src[i];
}

__device__ __forceinline__ double dot(G a, G b, int len)
{
    double s = 0;
    for (int i = 0; i < len; i++) s += a[i] * b[i];
    return s;
}

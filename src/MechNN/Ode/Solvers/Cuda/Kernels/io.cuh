// The kernels' doors to the caller's tensors (CudaIo.cs builds their parameters): gather reads the four inputs in
// whatever layout, broadcast and dtype (float64/float32) the caller holds them and writes the (length, B) float64
// columns the solve kernels read, checking every value on the way (finite; steps also positive); scatter writes
// columns back as the caller's contiguous (B, length) rows in its dtype. One launch each replaces the per-input torch
// ops (casts, broadcasts, permutes, copies, value reductions) that cost most of a small solve's host time.
#pragma once

#define MAXDIMS 6
#define MAXGATHER 4
#define MAXSCATTER 5

// One source array as a (B, length) view: element (m, i) lives at p + Σ index·stride, where m is split over the
// first batchRank sizes and i over the rest (row-major, strides in elements, 0 where broadcast).
struct Strided {
    const void* p;
    double* cols;           // (length, B) float64, member fastest
    long long length;
    int f32, positive, rank, batchRank;
    long long size[MAXDIMS], stride[MAXDIMS];
};

struct GatherArgs {
    Strided a[MAXGATHER];
    long long B;
    unsigned int* flag;     // set to 1 when some value is not finite or some step not positive
    int count, pad;
};

// (length, B) columns → (B, length) contiguous rows of the caller's dtype.
struct Rows {
    const double* cols;
    void* p;
    long long length;
    int f32, pad;
};

struct ScatterArgs {
    Rows a[MAXSCATTER];
    long long B;
    int count, pad;
};

__device__ __forceinline__ long long stridedOffset(const Strided& s, long long m, long long i)
{
    long long off = 0;
    for (int d = s.rank - 1; d >= s.batchRank; d--) {
        long long q = i / s.size[d];
        off += (i - q * s.size[d]) * s.stride[d];
        i = q;
    }
    for (int d = s.batchRank - 1; d >= 0; d--) {
        long long q = m / s.size[d];
        off += (m - q * s.size[d]) * s.stride[d];
        m = q;
    }
    return off;
}

// Thread idx handles element (i, m) = (idx / B, idx % B) of every array long enough: the column writes are coalesced.
__device__ void gatherKernel(const GatherArgs& A)
{
    long long idx = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    bool bad = false;
    for (int k = 0; k < A.count; k++) {
        const Strided& s = A.a[k];
        if (idx >= s.length * A.B) continue;
        long long i = idx / A.B, m = idx - i * A.B;
        long long off = stridedOffset(s, m, i);
        double v = s.f32 ? (double)static_cast<const float*>(s.p)[off] : static_cast<const double*>(s.p)[off];
        bad |= !isfinite(v) || (s.positive && !(v > 0));
        s.cols[idx] = v;
    }
    if (bad) atomicOr(A.flag, 1u);
}

// Thread idx handles element (m, i) = (idx / length, idx % length) of every array long enough: the row writes are coalesced.
__device__ void scatterKernel(const ScatterArgs& A)
{
    long long idx = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    for (int k = 0; k < A.count; k++) {
        const Rows& r = A.a[k];
        if (idx >= r.length * A.B) continue;
        long long m = idx / r.length, i = idx - m * r.length;
        double v = r.cols[i * A.B + m];
        if (r.f32) static_cast<float*>(r.p)[idx] = (float)v;
        else static_cast<double*>(r.p)[idx] = v;
    }
}

// The kernels' doors to the caller's tensors (CudaIo.cs builds their parameters): gather reads the four inputs in
// whatever layout, broadcast and dtype (float64/float32) the caller holds them and writes the (length, B) float64
// columns the solve kernels read, checking every value on the way (finite; steps also positive) — tiled when a source
// is the common contiguous (B, length) rows, strided otherwise; scatter writes columns back as the caller's contiguous
// (B, length) rows in its dtype, tiled. One launch each replaces the per-input torch
// ops (casts, broadcasts, permutes, copies, value reductions) that cost most of a small solve's host time.
#pragma once

#define MAXDIMS 6
#define MAXGATHER 4
#define MAXSCATTER 5   // arrays of one tiled copy

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

// One array of a tiled copy between the caller's contiguous (B, length) rows (its dtype) and (length, B) float64 columns.
struct Tiled {
    const void* rows;
    double* cols;
    long long length;
    int f32, positive;
};

// Arrays k = 0 … count−1 take the thread blocks [tileStart[k], tileStart[k+1]): one per 32 × 32 tile of (members, elements).
struct TiledArgs {
    Tiled a[MAXSCATTER];
    long long tileStart[MAXSCATTER + 1];
    long long B;
    unsigned int* flag;     // gather only, as in GatherArgs
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

// A transpose through a shared 32 × 32 tile, so that both the rows and the columns are read and written a warp-wide
// line at a time (a direct copy touches one of them with a stride of B or length elements: 4× the sectors). 256
// threads: 32 columns × 8 row phases. toColumns: rows → columns (values checked, as in gatherKernel); else back.
__device__ void tiledKernel(const TiledArgs& A, bool toColumns)
{
    __shared__ double tile[32][33];
    long long block = blockIdx.x;
    int k = 0;
    while (k + 1 < A.count && block >= A.tileStart[k + 1]) k++;
    const Tiled& s = A.a[k];
    long long t = block - A.tileStart[k], tilesM = (A.B + 31) / 32, len = s.length;
    long long m0 = (t % tilesM) * 32, i0 = (t / tilesM) * 32;
    int tx = threadIdx.x % 32, ty = threadIdx.x / 32;
    bool bad = false;
    for (int r = ty; r < 32; r += 8) {
        if (toColumns) {   // tile[member][element] from row m0 + r
            long long m = m0 + r, i = i0 + tx;
            if (m < A.B && i < len) {
                double v = s.f32 ? (double)static_cast<const float*>(s.rows)[m * len + i] : static_cast<const double*>(s.rows)[m * len + i];
                bad |= !isfinite(v) || (s.positive && !(v > 0));
                tile[r][tx] = v;
            }
        } else {           // tile[element][member] from column i0 + r
            long long i = i0 + r, m = m0 + tx;
            if (m < A.B && i < len) tile[r][tx] = s.cols[i * A.B + m];
        }
    }
    __syncthreads();
    for (int r = ty; r < 32; r += 8) {
        if (toColumns) {
            long long i = i0 + r, m = m0 + tx;
            if (m < A.B && i < len) s.cols[i * A.B + m] = tile[tx][r];
        } else {
            long long m = m0 + r, i = i0 + tx;
            if (m < A.B && i < len) {
                double v = tile[tx][r];
                if (s.f32) static_cast<float*>(const_cast<void*>(s.rows))[m * len + i] = (float)v;
                else static_cast<double*>(const_cast<void*>(s.rows))[m * len + i] = v;
            }
        }
    }
    if (bad) atomicOr(A.flag, 1u);
}

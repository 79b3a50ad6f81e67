// The kernels' parameter block (the host's CudaLayout) and their view of the per-member arrays. Every per-member array
// is stored (length, B) with the member index fastest, so a warp's 32 members read and write consecutive addresses.
#pragma once

#define MAXR1 6
#define MAXROWS 12
#define MAXN 16

// Must match CudaLayout.cs field for field (a unit test compares the parameter size in the PTX).
struct Layout {
    double KP[MAXROWS * MAXR1], KQ[MAXROWS * MAXR1];
    double PP[MAXR1 * MAXR1], QQ[MAXR1 * MAXR1], QP[MAXR1 * MAXR1];
    double ColP[MAXR1], ColQ[MAXR1], Falling[MAXR1 * MAXR1];
    double We2, Wi2, Ws2, Reward, Corner, SuspiciousPivot, NullspaceTolerance;
    long long B;
    int T, D, E, R, S, K, Rows, Central, Epsilon, Refinements, Chunks, Pad1;
    int PStart[MAXROWS], PEnd[MAXROWS], QStart[MAXROWS], QEnd[MAXROWS];
};

// One member's view of a (length, B) array: element i lives at p[i·B].
struct G {
    double* p;
    long long s;
    __device__ __forceinline__ double& operator[](int i) const { return p[(long long)i * s]; }
    __device__ __forceinline__ G operator+(int o) const { return G{p + (long long)o * s, s}; }
};

__device__ __forceinline__ G view(const double* base, long long m, long long B) { return G{const_cast<double*>(base) + m, B}; }

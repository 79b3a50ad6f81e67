// Lets the CUDA kernels (src/MechNN/Ode/Solvers/Cuda/Kernels) compile as plain C++ (g++ -std=c++20) so they run on the
// CPU in CI: a launch runs each thread block's threads as std::threads meeting at a std::barrier for __syncthreads;
// __shared__ variables become statics, shared by the threads of the one block that runs at a time. Test-only; see
// emulator.cpp.
#pragma once
#include <barrier>
#include <bit>
#include <cmath>
#include <cstdint>

#define __global__
#define __device__
#define __forceinline__ inline
#define __launch_bounds__(n)
#define __shared__ static

struct EmuDim { unsigned x = 0, y = 0, z = 0; };
extern thread_local EmuDim threadIdx, blockIdx;
extern EmuDim blockDim;
extern std::barrier<>* emuBarrier;
extern int emuAndFlag;

inline double __ldg(const double* p) { return *p; }
inline double __longlong_as_double(long long v) { return std::bit_cast<double>(v); }
inline void __syncthreads() { emuBarrier->arrive_and_wait(); }
inline int __syncthreads_and(int predicate)
{
    emuBarrier->arrive_and_wait();
    if (threadIdx.x == 0) emuAndFlag = 1;
    emuBarrier->arrive_and_wait();
    if (!predicate) __atomic_store_n(&emuAndFlag, 0, __ATOMIC_SEQ_CST);
    emuBarrier->arrive_and_wait();
    int all = __atomic_load_n(&emuAndFlag, __ATOMIC_SEQ_CST);
    emuBarrier->arrive_and_wait();
    return all;
}
inline unsigned atomicOr(unsigned* p, unsigned v) { return __atomic_fetch_or(p, v, __ATOMIC_SEQ_CST); }
using std::fmin; using std::sqrt; using std::isnan; using std::isfinite;

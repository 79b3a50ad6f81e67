// The fused GPU kernels' entry points, with C names the host looks up (CudaKernels.EntryName): the CUDA twin of
// Fused/FusedSystem.cs. The code is split like the CPU side's:
//   layout.cuh         the parameter block (CudaLayout.cs) and one member's view of a (length, B) array,
//   block_kernels.cuh  dense block kernels (Fused/BlockKernels.cs): Cholesky, substitutions, block products,
//   member.cuh         one thread per batch member (Fused/FusedSystem.cs),
//   chunked.cuh        one block of threads per member, parallel in time, for few members with many steps,
//   io.cuh             gather (the caller's inputs → columns, values checked) and scatter (columns → the caller's rows),
//   adam.cuh           Adam's update of many parameter tensors in one launch (Training/AdamStep.cs).
// Templated on the dimension count D and R+1 so that block loops unroll and small blocks live in registers; 0 means
// "read it from the layout" (the generic instantiation).
//
// Compiled to PTX and cubins by scripts/cuda/build-kernels.py (NVRTC, these files as its headers); the outputs are
// committed next to these files and embedded in the assembly. Edit the sources, then rebuild: a unit test checks the
// manifest's SHA-256 of every source file against the files.

#include "chunked.cuh"
#include "io.cuh"
#include "adam.cuh"

extern "C" __global__ void __launch_bounds__(256) mnn_adam(const AdamArgs A) { adamKernel(A); }

extern "C" __global__ void __launch_bounds__(256) mnn_gather(const GatherArgs A) { gatherKernel(A); }
extern "C" __global__ void __launch_bounds__(256) mnn_gather_rows(const TiledArgs A) { tiledKernel(A, true); }
extern "C" __global__ void __launch_bounds__(256) mnn_scatter(const TiledArgs A) { tiledKernel(A, false); }

#define MNN_CHUNKED_ENTRIES(DD, RR, WS)                                                                                \
    extern "C" __global__ void __launch_bounds__(256) mnn_chunked##WS##_forward_d##DD##_r##RR(                        \
        const Layout L, const double* c, const double* b, const double* iv, const double* h, double* d0,            \
        double* d1, double* d2, double* mv, double* z2, double* invSchur, double* we, double* wf, double* sepD,      \
        double* sepO, double* sepC, double* ej, double* fq, double* sepG, double* sepCg, double* status, double* x,  \
        double* eps, double* r, unsigned int* flag)                                                                    \
    {                                                                                                                  \
        chunkedForward<DD, RR, WS>(L, c, b, iv, h, d0, d1, d2, mv, z2, invSchur, we, wf, sepD, sepO, sepC, ej, fq,    \
                                   sepG, sepCg, status, x, eps, r, flag);                                              \
    }                                                                                                                  \
    extern "C" __global__ void __launch_bounds__(256) mnn_chunked##WS##_backward_d##DD##_r##RR(                       \
        const Layout L, const double* c, const double* b, const double* iv, const double* h, double* d0,            \
        double* d1, double* d2, double* mv, double* z2, const double* invSchur, double* we, double* wf,             \
        double* sepD, double* sepO, double* sepC, double* ej, double* fq, double* sepG, double* sepCg,              \
        const double* x, const double* eps, const double* g, const double* gEps, double* lam, double* r,            \
        double* gc, double* gb, double* giv, double* gh)                                                               \
    {                                                                                                                  \
        chunkedBackward<DD, RR, WS>(L, c, b, iv, h, d0, d1, d2, mv, z2, invSchur, we, wf, sepD, sepO, sepC, ej, fq,   \
                                    sepG, sepCg, x, eps, g, gEps, lam, r, gc, gb, giv, gh);                            \
    }

MNN_CHUNKED_ENTRIES(1, 2, 1)
MNN_CHUNKED_ENTRIES(1, 3, 1)
MNN_CHUNKED_ENTRIES(1, 4, 1)
MNN_CHUNKED_ENTRIES(1, 3, 2)
MNN_CHUNKED_ENTRIES(1, 4, 2)

// Entry points with C names: mnn_forward_d{D}_r{R+1}; d0_r0 is the generic one (any D, R within the MAX bounds).
#define MNN_ENTRIES(DD, RR)                                                                                          \
    extern "C" __global__ void __launch_bounds__(128) mnn_forward_d##DD##_r##RR(                                     \
        const Layout L, const double* c, const double* b, const double* iv, const double* h, double* d0,          \
        double* d1, double* d2, double* mv, double* z2, double* invSchur, double* status, double* x, double* eps, \
        double* r, unsigned int* flag)                                                                               \
    {                                                                                                                \
        forwardKernel<DD, RR>(L, c, b, iv, h, d0, d1, d2, mv, z2, invSchur, status, x, eps, r, flag);                \
    }                                                                                                                \
    extern "C" __global__ void __launch_bounds__(128) mnn_backward_d##DD##_r##RR(                                    \
        const Layout L, const double* c, const double* b, const double* iv, const double* h, double* d0,          \
        double* d1, double* d2, double* mv, double* z2, const double* invSchur, const double* x,                  \
        const double* eps, const double* g, const double* gEps, double* lam, double* r, double* gc, double* gb,   \
        double* giv, double* gh)                                                                                     \
    {                                                                                                                \
        backwardKernel<DD, RR>(L, c, b, iv, h, d0, d1, d2, mv, z2, invSchur, x, eps, g, gEps, lam, r, gc, gb,       \
                               giv, gh);                                                                             \
    }

MNN_ENTRIES(0, 0)
MNN_ENTRIES(1, 2)
MNN_ENTRIES(1, 3)
MNN_ENTRIES(1, 4)
MNN_ENTRIES(1, 5)

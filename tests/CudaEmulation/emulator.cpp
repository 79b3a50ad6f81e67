// Runs the kernels of Cuda/Kernels/mnn_kernels.cu on the CPU for the tests: mnn_emu_launch(name, grid, block, args) mirrors
// cuLaunchKernel (args[0] points at the parameter block — a Layout, GatherArgs, TiledArgs or AdamArgs — args[1..] at host pointers).
#include "cuda_shim.h"
#include <cstring>
#include <thread>
#include <vector>

thread_local EmuDim threadIdx, blockIdx;
EmuDim blockDim;
std::barrier<>* emuBarrier = nullptr;
int emuAndFlag = 1;

#include "../../src/MechNN/Ode/Solvers/Cuda/Kernels/mnn_kernels.cu"   // includes its .cuh headers from beside it

namespace {
// Calls a kernel with its arguments read from a cuLaunchKernel-style array; the parameter list is deduced from the kernel.
template <class P, class... A, std::size_t... I>
void invokeWith(void (*f)(const P, A...), void** args, std::index_sequence<I...>)
{
    f(*static_cast<const P*>(args[0]), *static_cast<A*>(args[I + 1])...);
}

template <class P, class... A>
void invoke(void (*f)(const P, A...), void** args) { invokeWith(f, args, std::index_sequence_for<A...>{}); }

struct Entry { const char* name; void (*run)(void**); };

#define KERNEL(name) {#name, [](void** a) { invoke(&name, a); }}
#define PER_MEMBER(D, R) KERNEL(mnn_forward_d##D##_r##R), KERNEL(mnn_backward_d##D##_r##R)
#define CHUNKED(D, R, W) KERNEL(mnn_chunked##W##_forward_d##D##_r##R), KERNEL(mnn_chunked##W##_backward_d##D##_r##R)
const Entry entries[] = {
    PER_MEMBER(0, 0), PER_MEMBER(1, 2), PER_MEMBER(1, 3), PER_MEMBER(1, 4), PER_MEMBER(1, 5),
    KERNEL(mnn_gather), KERNEL(mnn_gather_rows), KERNEL(mnn_scatter), KERNEL(mnn_adam),
    CHUNKED(1, 2, 1), CHUNKED(1, 3, 1), CHUNKED(1, 4, 1), CHUNKED(1, 3, 2), CHUNKED(1, 4, 2),
};
}

extern "C" int mnn_emu_layout_size() { return (int)sizeof(Layout); }
extern "C" int mnn_emu_gather_size() { return (int)sizeof(GatherArgs); }
extern "C" int mnn_emu_tiled_size() { return (int)sizeof(TiledArgs); }
extern "C" int mnn_emu_adam_size() { return (int)sizeof(AdamArgs); }

// 0: launched and finished; 1: unknown kernel.
extern "C" int mnn_emu_launch(const char* name, unsigned grid, unsigned block, void** args)
{
    const Entry* e = nullptr;
    for (const auto& x : entries) if (std::strcmp(x.name, name) == 0) e = &x;
    if (!e) return 1;
    blockDim = EmuDim{block, 1, 1};
    for (unsigned b = 0; b < grid; b++) {
        std::barrier<> barrier((std::ptrdiff_t)block);
        emuBarrier = &barrier;
        std::vector<std::thread> threads;
        for (unsigned t = 0; t < block; t++)
            threads.emplace_back([=] {
                threadIdx = EmuDim{t, 0, 0};
                blockIdx = EmuDim{b, 0, 0};
                e->run(args);
            });
        for (auto& th : threads) th.join();
    }
    return 0;
}

// Adam's update for many parameter tensors in one launch (AdamStep.cs builds the parameters): the optimiser's step
// is otherwise about eight small kernels per tensor, host time that dominates a small model's training step on a GPU.
// Per element, with g the gradient (plus λ·p for an L2 weight decay λ):
//   m ← β1·m + (1 − β1)·g,   v ← β2·v + (1 − β2)·g²,   p ← p − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε).
#pragma once

#define MAXADAM 24

struct AdamTensor {
    void* p;
    const void* g;
    void* m;
    void* v;
    long long n;
    double stepSize, rootBias2, beta1, beta2, eps, decay;
    int f32, pad;
};

// Tensors k = 0 … count−1 take the thread blocks [blockStart[k], blockStart[k+1]), one element per thread.
struct AdamArgs {
    AdamTensor a[MAXADAM];
    long long blockStart[MAXADAM + 1];
    int count, pad;
};

template <class T>
__device__ __forceinline__ void adamElement(const AdamTensor& s, long long i)
{
    T* p = static_cast<T*>(s.p);
    T* m = static_cast<T*>(s.m);
    T* v = static_cast<T*>(s.v);
    double pi = p[i], g = static_cast<const T*>(s.g)[i] + s.decay * pi;
    double mi = s.beta1 * (double)m[i] + (1 - s.beta1) * g;
    double vi = s.beta2 * (double)v[i] + (1 - s.beta2) * g * g;
    m[i] = (T)mi;
    v[i] = (T)vi;
    p[i] = (T)(pi - s.stepSize * mi / (sqrt(vi) / s.rootBias2 + s.eps));
}

__device__ void adamKernel(const AdamArgs& A)
{
    long long block = blockIdx.x;
    int k = 0;
    while (k + 1 < A.count && block >= A.blockStart[k + 1]) k++;
    const AdamTensor& s = A.a[k];
    long long i = (block - A.blockStart[k]) * blockDim.x + threadIdx.x;
    if (i >= s.n) return;
    if (s.f32) adamElement<float>(s, i);
    else adamElement<double>(s, i);
}

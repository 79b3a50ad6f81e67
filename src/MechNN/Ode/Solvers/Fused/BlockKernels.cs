using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using V = System.Runtime.Intrinsics.Vector256<double>;

namespace MechNN.Ode.Solvers.Fused;

/// <summary>
/// Small dense n×n kernels on raw row-major memory whose every scalar is a <see cref="V"/>: one lane per batch member,
/// so four systems advance in lock-step (SIMD across members; n = D·(R+1) is too small to vectorise within a block).
/// Cholesky factors keep the reciprocal of their diagonal on the diagonal, so substitutions never divide. No allocation.
/// </summary>
internal static unsafe class BlockKernels
{
    /// <summary>
    /// In-place lower Cholesky of a (diagonal replaced by 1/L_ii). Returns the smallest squared pivot per lane, each
    /// relative to the matching entry of the original diagonal when <paramref name="inverseDiagonal"/> is given, and ORs
    /// lanes whose pivot is not positive into <paramref name="failed"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V Cholesky(V* a, int n, V* inverseDiagonal, ref V failed)
    {
        var min = Vector256.Create(double.PositiveInfinity);
        for (int j = 0; j < n; j++)
        {
            var d = a[j * n + j];
            for (int k = 0; k < j; k++) d = Fnmadd(d, a[j * n + k], a[j * n + k]);
            failed |= ~Vector256.GreaterThan(d, V.Zero);
            min = Vector256.Min(min, inverseDiagonal == null ? d : d * inverseDiagonal[j]);
            var inv = V.One / Vector256.Sqrt(d);
            a[j * n + j] = inv;
            for (int i = j + 1; i < n; i++)
            {
                var s = a[i * n + j];
                for (int k = 0; k < j; k++) s = Fnmadd(s, a[i * n + k], a[j * n + k]);
                a[i * n + j] = s * inv;
            }
        }
        return min;
    }

    /// <summary>x := x·L⁻ᵀ in place (solves X·Lᵀ = A for X).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RightSolveTransposed(V* x, V* l, int n)
    {
        for (int r = 0; r < n; r++)
        {
            V* row = x + r * n;
            for (int k = 0; k < n; k++)
            {
                var s = row[k];
                for (int j = 0; j < k; j++) s = Fnmadd(s, row[j], l[k * n + j]);
                row[k] = s * l[k * n + k];
            }
        }
    }

    /// <summary>c −= a·bᵀ.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SubtractABt(V* c, V* a, V* b, int n)
    {
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                var s = V.Zero;
                for (int k = 0; k < n; k++) s = Fmadd(s, a[i * n + k], b[j * n + k]);
                c[i * n + j] -= s;
            }
    }

    /// <summary>v −= a·w.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SubtractAv(V* v, V* a, V* w, int n)
    {
        for (int i = 0; i < n; i++)
        {
            var s = V.Zero;
            for (int k = 0; k < n; k++) s = Fmadd(s, a[i * n + k], w[k]);
            v[i] -= s;
        }
    }

    /// <summary>v −= aᵀ·w.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SubtractAtv(V* v, V* a, V* w, int n)
    {
        for (int k = 0; k < n; k++)
        {
            var wk = w[k];
            for (int i = 0; i < n; i++) v[i] = Fnmadd(v[i], a[k * n + i], wk);
        }
    }

    /// <summary>v := L⁻¹v (forward substitution; diagonal holds 1/L_ii).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void LowerSolve(V* l, V* v, int n)
    {
        for (int i = 0; i < n; i++)
        {
            var s = v[i];
            for (int k = 0; k < i; k++) s = Fnmadd(s, l[i * n + k], v[k]);
            v[i] = s * l[i * n + i];
        }
    }

    /// <summary>v := L⁻ᵀv (back substitution; diagonal holds 1/L_ii).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void LowerTransposedSolve(V* l, V* v, int n)
    {
        for (int i = n - 1; i >= 0; i--)
        {
            var s = v[i];
            for (int k = i + 1; k < n; k++) s = Fnmadd(s, l[k * n + i], v[k]);
            v[i] = s * l[i * n + i];
        }
    }

    /// <summary>s + a·b, fused where the CPU has FMA (one rounding, half the latency of a multiply then an add).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Fmadd(V s, V a, V b) => Fma.IsSupported ? Fma.MultiplyAdd(a, b, s) : s + a * b;

    /// <summary>s + a·k for a scalar k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Fmadd(V s, V a, double k) => Fmadd(s, a, Vector256.Create(k));

    /// <summary>s − a·b, fused where the CPU has FMA.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Fnmadd(V s, V a, V b) => Fma.IsSupported ? Fma.MultiplyAddNegated(a, b, s) : s - a * b;

    /// <summary>x^p for an integer p (negative allowed), exact for the small powers the rows use.</summary>
    public static V Pow(V x, int p)
    {
        var r = V.One;
        for (int i = 0; i < Math.Abs(p); i++) r *= x;
        return p >= 0 ? r : V.One / r;
    }
}

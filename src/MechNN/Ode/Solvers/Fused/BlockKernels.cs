namespace MechNN.Ode.Solvers.Fused;

/// <summary>Small dense n×n kernels on raw row-major memory (n = D·(R+1), a handful). No allocation.</summary>
internal static unsafe class BlockKernels
{
    /// <summary>In-place lower Cholesky of a; returns the smallest squared pivot, or −1 when a pivot is not positive.</summary>
    public static double Cholesky(double* a, int n)
    {
        double min = double.PositiveInfinity;
        for (int j = 0; j < n; j++)
        {
            double d = a[j * n + j];
            for (int k = 0; k < j; k++) d -= a[j * n + k] * a[j * n + k];
            if (!(d > 0)) return -1;
            min = Math.Min(min, d);
            double l = Math.Sqrt(d);
            a[j * n + j] = l;
            for (int i = j + 1; i < n; i++)
            {
                double s = a[i * n + j];
                for (int k = 0; k < j; k++) s -= a[i * n + k] * a[j * n + k];
                a[i * n + j] = s / l;
            }
            for (int i = 0; i < j; i++) a[i * n + j] = 0; // keep the strict upper part zero
        }
        return min;
    }

    /// <summary>x := x·L⁻ᵀ in place (solves X·Lᵀ = A for X), L lower.</summary>
    public static void RightSolveTransposed(double* x, double* l, int n)
    {
        for (int r = 0; r < n; r++)
        {
            double* row = x + r * n;
            for (int k = 0; k < n; k++)
            {
                double s = row[k];
                for (int j = 0; j < k; j++) s -= row[j] * l[k * n + j];
                row[k] = s / l[k * n + k];
            }
        }
    }

    /// <summary>c −= a·bᵀ.</summary>
    public static void SubtractABt(double* c, double* a, double* b, int n)
    {
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int k = 0; k < n; k++) s += a[i * n + k] * b[j * n + k];
                c[i * n + j] -= s;
            }
    }

    /// <summary>v −= a·w.</summary>
    public static void SubtractAv(double* v, double* a, double* w, int n)
    {
        for (int i = 0; i < n; i++)
        {
            double s = 0;
            for (int k = 0; k < n; k++) s += a[i * n + k] * w[k];
            v[i] -= s;
        }
    }

    /// <summary>v −= aᵀ·w.</summary>
    public static void SubtractAtv(double* v, double* a, double* w, int n)
    {
        for (int k = 0; k < n; k++)
        {
            double wk = w[k];
            if (wk == 0) continue;
            for (int i = 0; i < n; i++) v[i] -= a[k * n + i] * wk;
        }
    }

    /// <summary>v := L⁻¹v (forward substitution).</summary>
    public static void LowerSolve(double* l, double* v, int n)
    {
        for (int i = 0; i < n; i++)
        {
            double s = v[i];
            for (int k = 0; k < i; k++) s -= l[i * n + k] * v[k];
            v[i] = s / l[i * n + i];
        }
    }

    /// <summary>v := L⁻ᵀv (back substitution).</summary>
    public static void LowerTransposedSolve(double* l, double* v, int n)
    {
        for (int i = n - 1; i >= 0; i--)
        {
            double s = v[i];
            for (int k = i + 1; k < n; k++) s -= l[k * n + i] * v[k];
            v[i] = s / l[i * n + i];
        }
    }
}

// Cramér–Rao bound of (a, b, c, d, x0, y0) for x' = a x + b y, y' = c x + d y sampled every dt with white noise of
// rel · std(state) per state (the sweep's linear SHO: a = d = -0.1, b = 2, c = -2, x0 = (2, 0), dt 0.01, 2,500 samples).
double[] p0 = { -0.1, 2, -2, -0.1, 2, 0 };
int N = 2500; double dt = 0.01;
double[][] Traj(double[] p)
{
    var r = new double[N][]; double x = p[4], y = p[5]; int sub = 10; double h = dt / sub;
    (double, double) F(double u, double v) => (p[0] * u + p[1] * v, p[2] * u + p[3] * v);
    for (int i = 0; i < N; i++)
    {
        r[i] = new[] { x, y };
        for (int k = 0; k < sub; k++)
        {
            var (k1x, k1y) = F(x, y); var (k2x, k2y) = F(x + h / 2 * k1x, y + h / 2 * k1y);
            var (k3x, k3y) = F(x + h / 2 * k2x, y + h / 2 * k2y); var (k4x, k4y) = F(x + h * k3x, y + h * k3y);
            x += h / 6 * (k1x + 2 * k2x + 2 * k3x + k4x); y += h / 6 * (k1y + 2 * k2y + 2 * k3y + k4y);
        }
    }
    return r;
}
var clean = Traj(p0);
double Std(int d) { double m = clean.Average(r => r[d]); return Math.Sqrt(clean.Average(r => (r[d] - m) * (r[d] - m))); }
var J = new double[6][][];
for (int j = 0; j < 6; j++)
{
    double e = 1e-6; var pp = (double[])p0.Clone(); var pm = (double[])p0.Clone(); pp[j] += e; pm[j] -= e;
    var a = Traj(pp); var b = Traj(pm);
    J[j] = Enumerable.Range(0, N).Select(i => new[] { (a[i][0] - b[i][0]) / (2 * e), (a[i][1] - b[i][1]) / (2 * e) }).ToArray();
}
foreach (double rel in new[] { 0.05, 0.10 })
{
    var s = new[] { rel * Std(0), rel * Std(1) };
    var I = new double[6, 6];
    for (int j = 0; j < 6; j++) for (int k = 0; k < 6; k++) for (int i = 0; i < N; i++) for (int d = 0; d < 2; d++) I[j, k] += J[j][i][d] * J[k][i][d] / (s[d] * s[d]);
    // Gauss–Jordan inverse
    var A = new double[6, 12];
    for (int j = 0; j < 6; j++) { for (int k = 0; k < 6; k++) A[j, k] = I[j, k]; A[j, 6 + j] = 1; }
    for (int c = 0; c < 6; c++)
    {
        int piv = c; for (int r = c + 1; r < 6; r++) if (Math.Abs(A[r, c]) > Math.Abs(A[piv, c])) piv = r;
        for (int k = 0; k < 12; k++) (A[c, k], A[piv, k]) = (A[piv, k], A[c, k]);
        double q = A[c, c]; for (int k = 0; k < 12; k++) A[c, k] /= q;
        for (int r = 0; r < 6; r++) if (r != c) { double f = A[r, c]; for (int k = 0; k < 12; k++) A[r, k] -= f * A[c, k]; }
    }
    Console.WriteLine($"noise {rel:P0}: relative std a {Math.Sqrt(A[0, 6]) / 0.1:P2}, b {Math.Sqrt(A[1, 7]) / 2:P3}, c {Math.Sqrt(A[2, 8]) / 2:P3}, d {Math.Sqrt(A[3, 9]) / 0.1:P2}; corr(a,d) {A[0, 9] / Math.Sqrt(A[0, 6] * A[3, 9]):F2}");
    // Median over noise draws of max(|δa|/0.1, |δd|/0.1, |δb|/2, |δc|/2) by Monte Carlo on the Gaussian with this covariance.
    var L = new double[4, 4];
    for (int i = 0; i < 4; i++) for (int j = 0; j <= i; j++)
    {
        double sum = A[i, 6 + j]; for (int k = 0; k < j; k++) sum -= L[i, k] * L[j, k];
        L[i, j] = i == j ? Math.Sqrt(sum) : sum / L[j, j];
    }
    var rng = new Random(1); var maxes = new List<double>();
    double[] scale = { 0.1, 2, 2, 0.1 };
    for (int t = 0; t < 20000; t++)
    {
        var z = Enumerable.Range(0, 4).Select(_ => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble())).ToArray();
        double m = 0; for (int i = 0; i < 4; i++) { double v = 0; for (int k = 0; k <= i; k++) v += L[i, k] * z[k]; m = Math.Max(m, Math.Abs(v) / scale[i]); }
        maxes.Add(m);
    }
    maxes.Sort();
    Console.WriteLine($"   efficient estimator: median max relative error {maxes[maxes.Count / 2]:P2}, rms {Math.Sqrt(maxes.Average(v => v * v)):P2}");
}

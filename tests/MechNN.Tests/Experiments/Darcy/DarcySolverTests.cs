using MechNN.Experiments.Darcy;

namespace MechNN.Tests.Experiments.Darcy;

public class DarcySolverTests
{
    // Manufactured solution: u = sin(πx)sin(πy), a = 2 + sin(πx + 1)cos(2πy) (∈ [1, 3]); f = −∇·(a∇u) by hand.
    private static double U(double x, double y) => Math.Sin(Math.PI * x) * Math.Sin(Math.PI * y);
    private static double A(double x, double y) => 2 + Math.Sin(Math.PI * x + 1) * Math.Cos(2 * Math.PI * y);

    private static double F(double x, double y)
    {
        var pi = Math.PI;
        var ux = pi * Math.Cos(pi * x) * Math.Sin(pi * y);
        var uy = pi * Math.Sin(pi * x) * Math.Cos(pi * y);
        var ax = pi * Math.Cos(pi * x + 1) * Math.Cos(2 * pi * y);
        var ay = -2 * pi * Math.Sin(pi * x + 1) * Math.Sin(2 * pi * y);
        return 2 * pi * pi * A(x, y) * U(x, y) - ax * ux - ay * uy;
    }

    private static double[] OnNodes(int n, Func<double, double, double> g)
    {
        var v = new double[n * n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++) v[i * n + j] = g(i / (n - 1.0), j / (n - 1.0));
        return v;
    }

    [Fact]
    public void FiniteDifferenceSolveIsSecondOrderOnAManufacturedSolution()
    {
        var errors = new List<double>();
        foreach (var n in new[] { 17, 33, 65 })
        {
            var solver = new DarcyFiniteDifferenceSolver(n, tolerance: 1e-13);
            var u = new double[n * n];
            solver.Solve(OnNodes(n, A), OnNodes(n, F), u);
            var exact = OnNodes(n, U);
            errors.Add(u.Select((v, k) => Math.Abs(v - exact[k])).Max());
        }
        for (var level = 0; level < 2; level++)
        {
            var order = Math.Log2(errors[level] / errors[level + 1]);
            Assert.InRange(order, 1.8, 2.2);
        }
    }

    [Theory]
    [InlineData(13, 1)]
    [InlineData(33, 2)]
    public void MultigridCgEqualsADenseDirectSolve(int n, int seed)
    {
        // A rough 3/12 coefficient at the nodes, like the benchmark's, and a non-constant right-hand side.
        var random = new Random(seed);
        var a = Enumerable.Range(0, n * n).Select(_ => random.NextDouble() < 0.5 ? 3.0 : 12.0).ToArray();
        var f = Enumerable.Range(0, n * n).Select(_ => 0.5 + random.NextDouble()).ToArray();
        var solver = new DarcyFiniteDifferenceSolver(n, tolerance: 1e-14);
        var u = new double[n * n];
        solver.Solve(a, f, u);

        var dense = DenseSolve(a, f, n);
        var scale = dense.Max(Math.Abs);
        for (var i = 1; i < n - 1; i++)
            for (var j = 1; j < n - 1; j++) Assert.True(Math.Abs(u[i * n + j] - dense[(i - 1) * (n - 2) + j - 1]) <= 1e-9 * scale, $"node ({i}, {j})");
        for (var k = 0; k < n; k++) Assert.True(u[k] == 0 && u[(n - 1) * n + k] == 0 && u[k * n] == 0 && u[k * n + n - 1] == 0);
    }

    [Fact]
    public void HierarchyHalvesWhileTheIntervalCountIsEven()
    {
        Assert.Equal([421, 211, 106], new DarcyFiniteDifferenceSolver(421).LevelSizes);
        Assert.Equal([33, 17, 9], new DarcyFiniteDifferenceSolver(33).LevelSizes);
        Assert.Equal([13, 7], new DarcyFiniteDifferenceSolver(13).LevelSizes);
    }

    [Fact]
    public void MultigridKeepsCgIterationsFewOnAThresholdedField()
    {
        // A preconditioner that did nothing (or was not symmetric) would need hundreds of iterations or fail here.
        const int n = 129;
        var field = new GaussianRandomField(n);
        var grf = new double[n * n];
        field.Sample(new Random(5), grf, new double[2 * n * n]);
        var a = grf.Select(v => v >= 0 ? 12.0 : 3.0).ToArray();
        var solver = new DarcyFiniteDifferenceSolver(n, tolerance: 1e-10);
        var iterations = solver.Solve(a, Enumerable.Repeat(1.0, n * n).ToArray(), new double[n * n]);
        Assert.InRange(iterations, 1, 30);
    }

    [Fact]
    public void NegativeConductanceIsRejectedUnlessClipped()
    {
        const int n = 9;
        var a = Enumerable.Repeat(3.0, n * n).ToArray();
        a[0 * n + 4] = -10; // a boundary node: its face to node (1, 4) has mean −3.5
        var solver = new DarcyFiniteDifferenceSolver(n);
        var ex = Assert.Throws<ArithmeticException>(() => solver.Solve(a, Enumerable.Repeat(1.0, n * n).ToArray(), new double[n * n]));
        Assert.Contains("(1, 4)", ex.Message);
        var clippedSolution = new double[n * n];
        solver.Solve(a, Enumerable.Repeat(1.0, n * n).ToArray(), clippedSolution, clipNegativeFaces: true);
        Assert.Equal(1, solver.ClippedFaces);
        // Clipping = that face insulated: the same as the solve with the boundary node's a chosen to make the mean 0.
        a[4] = -3;
        var zeroFaceSolution = new double[n * n];
        solver.Solve(a, Enumerable.Repeat(1.0, n * n).ToArray(), zeroFaceSolution);
        Assert.Equal(0, solver.ClippedFaces);
        for (var k = 0; k < n * n; k++) Assert.Equal(zeroFaceSolution[k], clippedSolution[k], 12);
        a[40] = double.NaN;
        Assert.Throws<ArithmeticException>(() => solver.Solve(a, Enumerable.Repeat(1.0, n * n).ToArray(), new double[n * n], clipNegativeFaces: true));
    }

    /// <summary>The recipe's matrix assembled independently (faces = node means × (n−1)²) and solved by elimination.</summary>
    private static double[] DenseSolve(double[] a, double[] f, int n)
    {
        var m = n - 2;
        var size = m * m;
        var h2 = (double)(n - 1) * (n - 1);
        var matrix = new double[size, size];
        var rhs = new double[size];
        for (var i = 1; i < n - 1; i++)
            for (var j = 1; j < n - 1; j++)
            {
                var q = (i - 1) * m + j - 1;
                rhs[q] = f[i * n + j];
                foreach (var (di, dj) in new[] { (-1, 0), (1, 0), (0, -1), (0, 1) })
                {
                    var w = 0.5 * (a[i * n + j] + a[(i + di) * n + j + dj]) * h2;
                    matrix[q, q] += w;
                    int ni = i + di, nj = j + dj;
                    if (ni >= 1 && ni <= n - 2 && nj >= 1 && nj <= n - 2) matrix[q, (ni - 1) * m + nj - 1] -= w;
                }
            }
        for (var c = 0; c < size; c++)
            for (var r = c + 1; r < size; r++)
            {
                var factor = matrix[r, c] / matrix[c, c];
                if (factor == 0) continue;
                for (var k = c; k < size; k++) matrix[r, k] -= factor * matrix[c, k];
                rhs[r] -= factor * rhs[c];
            }
        var x = new double[size];
        for (var r = size - 1; r >= 0; r--)
        {
            var v = rhs[r];
            for (var k = r + 1; k < size; k++) v -= matrix[r, k] * x[k];
            x[r] = v / matrix[r, r];
        }
        return x;
    }
}

using MechNN.Discovery;
using MechNN.Discovery.Libraries;
using MechNN.Experiments.DiscoveryTasks;
using MechNN.Experiments.Systems;
using MechNN.Numerics;
using static TorchSharp.torch;

namespace MechNN.Tests.Discovery;

/// <summary>The refit of ξ on the model's own trajectory (<see cref="TrajectoryRefit"/>) and its chain solver.</summary>
public class TrajectoryRefitTests
{
    [Fact]
    public void BorderedChainSolveEqualsTheDenseDampedSolve()
    {
        // A Jacobian with the refit's pattern: data rows see ξ and their own block; junction rows ξ and two neighbours.
        const int P = 3, S = 6, n = 2;
        int K = P + S * n;
        var random = new Random(7);
        var rows = new List<double[]>();
        for (int s = 0; s < S; s++)
            for (int r = 0; r < 5; r++)
            {
                var row = new double[K];
                for (int p = 0; p < P; p++) row[p] = random.NextDouble() - 0.5;
                for (int d = 0; d < n; d++) row[P + s * n + d] = random.NextDouble() - 0.5;
                rows.Add(row);
            }
        for (int s = 0; s + 1 < S; s++)
            for (int r = 0; r < n; r++)
            {
                var row = new double[K];
                for (int p = 0; p < P; p++) row[p] = random.NextDouble() - 0.5;
                for (int d = 0; d < n; d++) { row[P + s * n + d] = random.NextDouble() - 0.5; row[P + (s + 1) * n + d] = random.NextDouble() - 0.5; }
                rows.Add(row);
            }
        var jacobian = tensor(rows.SelectMany(r => r).ToArray(), dtype: ScalarType.Float64).reshape(rows.Count, K);
        var normal = jacobian.t().matmul(jacobian);
        var m = normal.data<double>().ToArray();
        var system = new BorderedBlockTridiagonal(P, S, n);
        for (int i = 0; i < P; i++) for (int j = 0; j < P; j++) system.A[i * P + j] = m[i * K + j];
        for (int s = 0; s < S; s++)
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                {
                    int row = P + s * n + i;
                    system.D[s][i * n + j] = m[row * K + P + s * n + j];
                    if (s + 1 < S) system.E[s][i * n + j] = m[row * K + P + (s + 1) * n + j];
                    for (int p = 0; p < P; p++) system.B[s][p * n + i] = m[p * K + row];
                }
        var rhs = Enumerable.Range(0, K).Select(_ => random.NextDouble() - 0.5).ToArray();
        const double damping = 0.3;
        Assert.True(system.TrySolve(rhs.Take(P).ToArray(), rhs.Skip(P).ToArray(), damping, out var x, out var z));
        var dense = linalg.solve(normal + diag(normal.diagonal() * damping), tensor(rhs, dtype: ScalarType.Float64)).data<double>().ToArray();
        var mine = x.Concat(z).ToArray();
        for (int i = 0; i < K; i++) Assert.Equal(dense[i], mine[i], 10);

        // The global block of the inverse (the coefficients' covariance up to σ²).
        var inverse = linalg.inv(normal).data<double>().ToArray();
        var variances = system.GlobalVariances()!;
        for (int i = 0; i < P; i++) Assert.Equal(inverse[i * K + i], variances[i], 10);
    }

    [Fact]
    public void CleanLorenzComesBackFromPerturbedCoefficientsAndFinerSolverStepsMatter()
    {
        var system = DiscoverySweep.System("lorenz");
        var clean = DiscoverySweep.Clean(system).Item1.Take(2001).ToArray();
        var truth = DiscoverySweep.Truth(system, clean);
        var library = new PolynomialLibrary(3, 2);
        int F = truth[0].Length;
        var trueXi = tensor(Enumerable.Range(0, F).SelectMany(f => Enumerable.Range(0, 3).Select(d => truth[d][f])).ToArray(), dtype: ScalarType.Float64).reshape(F, 3);
        // Every true term 3% off, alternating in sign.
        var start = trueXi * (1 + 0.03 * (arange(F * 3, dtype: ScalarType.Float64).reshape(F, 3).remainder(2) * 2 - 1));
        double Error(int substeps, out TrajectoryRefit.Result result)
        {
            var refit = new TrajectoryRefit(library, 3, system.Dt, order: 3, segmentLength: 23, substeps: substeps);
            var (segments, joined) = refit.Cut(new[] { clean });
            result = refit.Refine(start, segments, joined, segments)!;
            var support = trueXi.ne(0);
            return ((result.Xi - trueXi).abs() / trueXi.abs()).masked_select(support).max().item<double>();
        }
        double fine = Error(TrajectoryRefit.Substeps, out var result), coarse = Error(1, out _);
        Assert.True(fine < 2e-4, $"max relative error {fine:E2} with {TrajectoryRefit.Substeps} substeps");
        // Gauss–Newton with the right sensitivities converges in a few steps from 3% off.
        Assert.InRange(result.Steps, 1, 10);
        Assert.True(result.CostRatio < 1e-3, $"cost ratio {result.CostRatio:E2}");
        Assert.Equal(0, result.Xi.masked_select(trueXi.eq(0)).abs().max().item<double>());
        // The refit ties ξ to the solver's discrete trajectory: its discretisation error is the remaining bias.
        Assert.True(coarse > 3 * fine, $"one step per sample {coarse:E2}, {TrajectoryRefit.Substeps} substeps {fine:E2}");
    }

    [Fact]
    public void SignificanceSeparatesASpuriousTermFromTheTrueOnes()
    {
        // Lorenz at 5% noise (tuning seed 112) with a spurious constant in ż: z's mean (≈ 23.5) makes it nearly collinear
        // with −βz, so it fits a visible value but carries little evidence; the true terms carry a great deal.
        var system = DiscoverySweep.System("lorenz");
        var clean = DiscoverySweep.Clean(system).Item1.Take(4001).ToArray();
        var truth = DiscoverySweep.Truth(system, clean);
        var x = MeasurementNoise.Add(clean, 0.05, seed: 112);
        int F = truth[0].Length;
        var trueXi = tensor(Enumerable.Range(0, F).SelectMany(f => Enumerable.Range(0, 3).Select(d => truth[d][f])).ToArray(), dtype: ScalarType.Float64).reshape(F, 3);
        var start = trueXi.clone();
        start[0, 2] = tensor(0.5, dtype: ScalarType.Float64);
        var refit = new TrajectoryRefit(new PolynomialLibrary(3, 2), 3, system.Dt, order: 3, segmentLength: 23);
        var (segments, joined) = refit.Cut(new[] { x });
        var result = refit.Refine(start, segments, joined, refit.Cut(new[] { clean }).Segments)!;
        double threshold = Math.Sqrt(Math.Log(result.Observations));
        double spurious = result.Significance[0, 2].item<double>();
        double weakestTrue = result.Significance.masked_select(trueXi.ne(0)).min().item<double>();
        Assert.True(spurious < threshold, $"spurious t {spurious:F2} vs √ln n {threshold:F2}");
        Assert.True(weakestTrue > 10 * threshold, $"weakest true t {weakestTrue:F1}");
        Assert.Equal(segments.numel(), result.Observations);
    }

    [Fact]
    public void SegmentsShareTheirEndSamplesAndStopAtEachTrajectorysEnd()
    {
        var refit = new TrajectoryRefit(new PolynomialLibrary(1, 1), 1, 0.1, order: 3, segmentLength: 4);
        var a = Enumerable.Range(0, 11).Select(i => new double[] { i }).ToArray();   // 3 segments of 4 sharing ends: 0–3, 3–6, 6–9
        var b = Enumerable.Range(100, 5).Select(i => new double[] { i }).ToArray();  // one: 100–103 (104 left out)
        var (segments, joined) = refit.Cut(new[] { a, b });
        Assert.Equal(new long[] { 4, 4, 1 }, segments.shape);
        Assert.Equal(new double[] { 0, 1, 2, 3, 3, 4, 5, 6, 6, 7, 8, 9, 100, 101, 102, 103 }, segments.reshape(-1).data<double>().ToArray());
        Assert.Equal(new[] { true, true, false, false }, joined);
    }
}

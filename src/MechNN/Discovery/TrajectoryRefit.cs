using MechNN.Discovery.Libraries;
using MechNN.Numerics;
using MechNN.Ode;
using static TorchSharp.torch;

namespace MechNN.Discovery;

/// <summary>
/// ξ on a fixed support refined by weighted nonlinear least squares of the data on the model's own trajectory: each
/// trajectory is cut into segments of L samples that share their end samples; on each, u solves the nonlinear
/// u' = Θ(u)ξ from the segment's start (Newton iterations of the coupled linear ODE u' − J(ū)u = f(ū) − J(ū)ū, solved by
/// the mechanistic solver), and Gauss–Newton steps with Levenberg–Marquardt damping move ξ and every start to minimise
/// Σ((x − u)/σ)² + Σ((start_{s+1} − u_s(end))/(κσ))²: the data as targets only, the segments tied into one trajectory
/// by the continuity rows (weight 1/κ², κ = <see cref="Continuity"/>), so the fit is close to the maximum-likelihood
/// trajectory of the whole record without having to integrate a chaotic system across it in one piece.
/// The sensitivities ∂u/∂ξ and ∂u/∂start solve the same linear ODE with the feature columns (or a unit start) as drive;
/// the normal equations are a block-tridiagonal chain of starts with ξ as a dense border (<see cref="BorderedBlockTridiagonal"/>).
/// <para>Why: the integral fit reads Θ from a denoised copy of the data, and where a state is small against its noise
/// (Rössler's z between spikes) the features' errors become coefficient errors; here no feature is read off the data.</para>
/// </summary>
internal sealed class TrajectoryRefit
{
    /// <summary>κ: the continuity rows' noise relative to the data's. 0.01 ties the segments to ~1% of the noise; 0.1
    /// was worse on Rössler and Lorenz, 0.003 and 0.001 worse on Lorenz (tuning seeds 112–117 at 5%, one solver step per
    /// sample; docs/results/discovery.md).</summary>
    public const double Continuity = 0.01;
    private const int MaxIterations = 30, NewtonIterations = 8;
    private const double ConvergedDecrease = 1e-3;

    private readonly ICandidateLibrary _library;
    private readonly OdeSpec _spec;
    private readonly Tensor _steps, _sampleSteps, _coarse;
    private readonly int _n, _length, _substeps, _fine;

    /// <param name="library">Θ.</param>
    /// <param name="states">n.</param>
    /// <param name="dt">The sample spacing.</param>
    /// <param name="order">Order of the mechanistic solve (as the integral fit's).</param>
    /// <param name="segmentLength">Samples per segment, ≥ 2.</param>
    /// <param name="substeps">Solver steps per sample interval: the refit ties ξ to the solver's discrete trajectory, so
    /// its discretisation error becomes coefficient error (clean Lorenz at dt 0.01: 0.54% with 1, see <see cref="Substeps"/>).</param>
    public TrajectoryRefit(ICandidateLibrary library, int states, double dt, int order, int segmentLength, int substeps = Substeps)
    {
        _library = library; _n = states; _length = segmentLength; _substeps = substeps;
        _fine = (segmentLength - 1) * substeps + 1;
        _spec = new OdeSpec(order) { Dims = states, Equations = states, InitialSteps = 1, InitialOrders = 1, Epsilon = false };
        _steps = full(1, dt / substeps, dtype: ScalarType.Float64);
        _sampleSteps = full(1, dt, dtype: ScalarType.Float64);
        _coarse = arange(0, _fine, substeps, dtype: ScalarType.Int64);
    }

    /// <summary>Default solver steps per sample interval.</summary>
    public const int Substeps = 2;

    /// <summary>The refined ξ (F, n) and how the fit went.</summary>
    /// <param name="Xi">ξ, zero off the support it was given.</param>
    /// <param name="CostRatio">The weighted cost after over before (below 1 when the refit improved the fit).</param>
    /// <param name="Steps">Gauss–Newton steps taken.</param>
    /// <param name="Significance">|ξ| over its standard error (F, n; 0 off the support): the Wald statistic's root, from the
    /// Gauss–Newton covariance σ̂²·N⁻¹ at the fit.</param>
    /// <param name="Observations">Data values the fit saw (segments × samples × states), the n of an information criterion.</param>
    /// <param name="Trajectory">The fitted segments u on the solver's grid (S, (L − 1)·substeps + 1, n): a guess for the next refit.</param>
    public sealed record Result(Tensor Xi, double CostRatio, int Steps, Tensor Trajectory, Tensor Significance, long Observations);

    /// <summary>Segments of every trajectory (stride L − 1, the tail shorter than a segment left out), (S, L, n), and for
    /// each segment whether the next one continues it.</summary>
    public (Tensor Segments, bool[] Joined) Cut(IReadOnlyList<double[][]> trajectories)
    {
        var parts = new List<Tensor>();
        var joined = new List<bool>();
        foreach (var x in trajectories)
        {
            int count = (x.Length - 1) / (_length - 1);
            if (count == 0) continue;
            var data = tensor(x.SelectMany(r => r).ToArray(), dtype: ScalarType.Float64).reshape(x.Length, _n);
            parts.Add(data.unfold(0, _length, _length - 1).narrow(0, 0, count).permute(0, 2, 1));
            joined.AddRange(Enumerable.Range(0, count).Select(i => i < count - 1));
        }
        return (cat(parts.ToArray(), 0).contiguous(), joined.ToArray());
    }

    /// <summary>Refines <paramref name="xi"/> (F, n; its zeros stay zero) on the segments <paramref name="x"/> (S, L, n),
    /// starting from the latent trajectory <paramref name="guess"/> (S, L, n) or (S, fine steps, n) as a result returns it;
    /// null when no trajectory through ξ can be solved from the guess's starts (a model that blows up within a segment).</summary>
    public Result? Refine(Tensor xi, Tensor x, bool[] joined, Tensor guess)
    {
        if (guess.size(1) != _fine) guess = Interpolate(guess);
        long S = x.size(0);
        int n = _n;
        var supportFlat = xi.ne(0).contiguous().data<bool>().ToArray();
        var active = Enumerable.Range(0, supportFlat.Length).Where(i => supportFlat[i]).Select(i => (Feature: i / n, State: i % n)).ToArray();
        var activeIndex = tensor(active.Select(a => (long)(a.Feature * n + a.State)).ToArray());
        var joins = Enumerable.Range(0, (int)S - 1).Where(j => joined[j]).ToArray();
        var from = tensor(joins.Select(j => (long)j).ToArray());
        var to = tensor(joins.Select(j => (long)j + 1).ToArray());

        var starts = guess.select(1, 0).clone();
        var u = Trajectory(xi, starts, guess);
        if (u is null) return null;
        // Per-state weights from the first residual: the states' noise levels can differ by orders of magnitude.
        var sigma = (x - Coarse(u)).square().mean(new long[] { 0, 1 }).sqrt().clamp_min(1e-12);      // (n)
        var sigmaValues = sigma.data<double>().ToArray();
        Tensor Mismatch(Tensor st, Tensor traj) => (st.index_select(0, to) - traj.select(1, traj.size(1) - 1).index_select(0, from)) / (sigma * Continuity);
        double Cost(Tensor st, Tensor traj) => (x - Coarse(traj)).div(sigma).square().sum().item<double>() + Mismatch(st, traj).square().sum().item<double>();
        double cost = Cost(starts, u), before = cost, damping = 1e-3;
        int steps = 0;
        BorderedBlockTridiagonal? last = null;
        for (int iteration = 0; iteration < MaxIterations; iteration++)
        {
            using var scope = NewDisposeScope();
            var system = last = Normal(xi, u, starts, x, sigma, sigmaValues, active, joins, from, to, out var rhsGlobal, out var rhsChain, out var g, out var h);
            bool stepped = false, converged = false;
            for (int attempt = 0; attempt < 12 && !stepped; attempt++, damping *= 10)
            {
                if (!system.TrySolve(rhsGlobal, rhsChain, damping, out var dXi, out var dStarts)) continue;
                var step = zeros(xi.numel(), dtype: ScalarType.Float64).index_copy_(0, activeIndex, tensor(dXi, dtype: ScalarType.Float64));
                var candidate = xi + step.reshape(xi.shape);
                var dStart = tensor(dStarts, dtype: ScalarType.Float64).reshape(S, n);
                var candidateStarts = starts + dStart;
                // Newton starts from the Gauss–Newton step's linear prediction of the trajectory.
                var predicted = g.matmul(tensor(dXi, dtype: ScalarType.Float64)) + h.matmul(dStart.unsqueeze(1).unsqueeze(-1)).squeeze(-1);
                var trajectory = Trajectory(candidate, candidateStarts, u + Interpolate(predicted));
                if (trajectory is null) continue;
                double c = Cost(candidateStarts, trajectory);
                if (!(c <= cost)) continue;
                // The cost is χ²-scaled (σ per state), so a decrease below 10⁻³ moves no coefficient by more than a few
                // hundredths of its standard error.
                converged = cost - c <= ConvergedDecrease + 1e-12 * cost;
                xi = candidate.MoveToOuterDisposeScope(); starts = candidateStarts.MoveToOuterDisposeScope(); u = trajectory.MoveToOuterDisposeScope();
                cost = c; stepped = true; steps++;
                damping = Math.Max(damping / 100, 1e-10);   // ×10 by the loop's increment: a tenth of the one that worked
            }
            if (!stepped || converged) break;
        }
        // Standard errors from the last linearisation (at or one small step before the fit), σ̂² the cost per degree of freedom.
        long observations = x.numel();
        var significance = new double[xi.numel()];
        if (last?.GlobalVariances() is { } variances)
        {
            var values = xi.contiguous().data<double>().ToArray();
            double perDegree = cost / Math.Max(1, observations - active.Length - S * n);
            for (int k = 0; k < active.Length; k++)
            {
                int at = active[k].Feature * n + active[k].State;
                significance[at] = Math.Abs(values[at]) / Math.Sqrt(Math.Max(variances[k] * perDegree, double.Epsilon));
            }
        }
        return new Result(xi, cost / before, steps, u, tensor(significance, dtype: ScalarType.Float64).reshape(xi.shape), observations);
    }

    /// <summary>The Gauss–Newton normal equations at (ξ, starts, u on the solver's grid): data rows (x − u)/σ, continuity rows.</summary>
    private BorderedBlockTridiagonal Normal(Tensor xi, Tensor fine, Tensor starts, Tensor x, Tensor sigma, double[] sigmaValues,
        (int Feature, int State)[] active, int[] joins, Tensor from, Tensor to, out double[] rhsGlobal, out double[] rhsChain, out Tensor g, out Tensor h)
    {
        var u = Coarse(fine);
        (g, h) = Sensitivities(xi, u, active);                                                 // (S, L, n, P), (S, L, n, n)
        long S = u.size(0), L = u.size(1);
        int n = _n, P = active.Length;
        var gw = (g / sigma.reshape(1, 1, n, 1)).reshape(S, -1, P);
        var hw = (h / sigma.reshape(1, 1, n, 1)).reshape(S, -1, n);
        var r = ((x - u) / sigma).reshape(S, -1, 1);
        var system = new BorderedBlockTridiagonal(P, (int)S, n);
        var gg = gw.transpose(1, 2).matmul(gw).sum(0L).contiguous().data<double>().ToArray();
        var gh = gw.transpose(1, 2).matmul(hw).contiguous().data<double>().ToArray();           // (S, P, n)
        var hh = hw.transpose(1, 2).matmul(hw).contiguous().data<double>().ToArray();           // (S, n, n)
        rhsGlobal = gw.transpose(1, 2).matmul(r).sum(0L).contiguous().data<double>().ToArray();
        rhsChain = hw.transpose(1, 2).matmul(r).contiguous().data<double>().ToArray();
        Array.Copy(gg, system.A, P * P);
        for (int s = 0; s < S; s++)
        {
            Array.Copy(gh, s * P * n, system.B[s], 0, P * n);
            Array.Copy(hh, s * n * n, system.D[s], 0, n * n);
        }
        if (joins.Length == 0) return system;
        // Continuity rows m = (start_b − u_a(end))/w, w = κσ: ∂m/∂ξ = −G_a(end)/w, ∂m/∂start_a = −H_a(end)/w, ∂m/∂start_b = I/w.
        var gEnd = g.select(1, L - 1).index_select(0, from).contiguous().data<double>().ToArray();   // (J, n, P)
        var hEnd = h.select(1, L - 1).index_select(0, from).contiguous().data<double>().ToArray();   // (J, n, n)
        var mismatch = ((starts.index_select(0, to) - u.select(1, L - 1).index_select(0, from)) / (sigma * Continuity)).contiguous().data<double>().ToArray();
        var w = sigmaValues.Select(v => v * Continuity).ToArray();
        var ge = new double[n * P];
        var he = new double[n * n];
        for (int k = 0; k < joins.Length; k++)
        {
            int a = joins[k], b = a + 1;
            for (int i = 0; i < n; i++)
            {
                for (int q = 0; q < P; q++) ge[i * P + q] = -gEnd[(k * n + i) * P + q] / w[i];
                for (int q = 0; q < n; q++) he[i * n + q] = -hEnd[(k * n + i) * n + q] / w[i];
            }
            for (int i = 0; i < n; i++)
            {
                double mi = -mismatch[k * n + i], wi = 1 / w[i];
                // Row i of the junction: [ge_i | he_i at a | wi·e_i at b], residual −m_i.
                for (int p = 0; p < P; p++)
                {
                    double gp = ge[i * P + p];
                    if (gp == 0) continue;
                    for (int q = 0; q < P; q++) system.A[p * P + q] += gp * ge[i * P + q];
                    for (int q = 0; q < n; q++) system.B[a][p * n + q] += gp * he[i * n + q];
                    system.B[b][p * n + i] += gp * wi;
                    rhsGlobal[p] += gp * mi;
                }
                for (int p = 0; p < n; p++)
                {
                    double hp = he[i * n + p];
                    if (hp == 0) continue;
                    for (int q = 0; q < n; q++) system.D[a][p * n + q] += hp * he[i * n + q];
                    system.E[a][p * n + i] += hp * wi;
                    rhsChain[a * n + p] += hp * mi;
                }
                system.D[b][i * n + i] += wi * wi;
                rhsChain[b * n + i] += wi * mi;
            }
        }
        return system;
    }

    /// <summary>Θ(u) (S, L, F), f = Θ(u)ξ (S, L, n) and its Jacobian J[…, e, d] = ∂f_e/∂u_d (S, L, n, n).</summary>
    private (Tensor Theta, Tensor F, Tensor J) Linearise(Tensor xi, Tensor at)
    {
        using var grad = enable_grad();
        var v = at.detach().clone().requires_grad_(true);
        var theta = _library.Evaluate(v);
        var f = theta.matmul(xi);
        var rows = new Tensor[_n];
        for (int e = 0; e < _n; e++)
            rows[e] = autograd.grad(new[] { f.select(-1, e).sum() }, new[] { v }, retain_graph: e < _n - 1)[0];
        return (theta.detach(), f.detach(), stack(rows, -2).detach());
    }

    /// <summary>The coefficients (…, L, n, n, R+1) of u' − J·u.</summary>
    private Tensor Lhs(Tensor jacobian)
    {
        var c = zeros(jacobian.shape.Append(_spec.Order + 1).ToArray(), dtype: jacobian.dtype);
        c.select(-1, 0).copy_(jacobian.neg());
        c.select(-1, 1).diagonal(0, -2, -1).fill_(1.0);
        return c;
    }

    /// <summary>The linear solve on the solver's grid, or on the samples' grid when <paramref name="samples"/>.</summary>
    private Tensor Solve(Tensor coefficients, Tensor rhs, Tensor starts, bool samples = false) =>
        OdeSolve.Solve(_spec, coefficients, rhs, starts.unsqueeze(-2).unsqueeze(-1), samples ? _sampleSteps : _steps, stepCount: samples ? _length : _fine).Values;

    /// <summary>The samples' rows (…, L, …) of a fine-grid trajectory (…, fine steps, …) along dimension 1.</summary>
    private Tensor Coarse(Tensor fine) => _substeps == 1 ? fine : fine.index_select(1, _coarse);

    /// <summary>Segments (S, L, n) linearly interpolated onto the solver's grid (a Newton start, nothing more).</summary>
    private Tensor Interpolate(Tensor coarse)
    {
        if (_substeps == 1) return coarse;
        var position = arange(0, _fine, dtype: ScalarType.Float64) / _substeps;
        var left = position.floor().clamp_max(_length - 2).to_type(ScalarType.Int64);
        var weight = (position - left.to_type(ScalarType.Float64)).reshape(1, -1, 1);
        return coarse.index_select(1, left) * (1 - weight) + coarse.index_select(1, left + 1) * weight;
    }

    /// <summary>The nonlinear solution on every segment from <paramref name="starts"/> (S, n), by Newton iterations from
    /// <paramref name="guess"/>; null when an iterate is not finite.</summary>
    private Tensor? Trajectory(Tensor xi, Tensor starts, Tensor guess)
    {
        var u = guess;
        for (int k = 0; k < NewtonIterations; k++)
        {
            var (_, f, j) = Linearise(xi, u);
            Tensor next;
            try { next = Solve(Lhs(j), f - j.matmul(u.unsqueeze(-1)).squeeze(-1), starts); }
            catch (IllPosedSystemException) { return null; }
            if (!next.isfinite().all().item<bool>()) return null;
            double change = (next - u).abs().max().item<double>(), size = next.abs().max().item<double>();
            u = next;
            if (change <= 1e-10 * Math.Max(1, size)) break;
        }
        return u;
    }

    /// <summary>∂u/∂ξ for the active terms (S, L, n, P) and ∂u/∂start (S, L, n, n) about <paramref name="u"/> (S, L, n), on
    /// the samples' grid: Gauss–Newton needs only an approximate Jacobian (the residual, on the solver's grid, decides where it
    /// converges), and the P + n sensitivity solves per segment are most of a refit's time.</summary>
    private (Tensor G, Tensor H) Sensitivities(Tensor xi, Tensor u, (int Feature, int State)[] active)
    {
        long S = u.size(0), L = u.size(1);
        int P = active.Length, n = _n;
        var (theta, _, j) = Linearise(xi, u);                                                 // Θ (S, L, F)
        // Drive of column k: Θ_f(u) in equation e, for (f, e) = active[k]; then the n unit starts.
        int F = (int)theta.size(-1);
        var picks = new double[F * P * n];
        for (int k = 0; k < P; k++) picks[(active[k].Feature * P + k) * n + active[k].State] = 1;
        var selector = tensor(picks, dtype: ScalarType.Float64).reshape(F, P, n);
        var drive = einsum("slf,fpe->sple", theta, selector);                                  // (S, P, L, n)
        var rhs = cat(new[] { drive, zeros(S, n, L, n, dtype: ScalarType.Float64) }, 1);
        var unit = cat(new[] { zeros(P, n, dtype: ScalarType.Float64), eye(n, dtype: ScalarType.Float64) }, 0);
        var s = Solve(Lhs(j).unsqueeze(1), rhs, unit.unsqueeze(0).expand(S, P + n, n), samples: true);   // (S, P+n, L, n)
        var columns = s.permute(0, 2, 3, 1);                                                   // (S, L, n, P+n)
        return (columns.narrow(3, 0, P), columns.narrow(3, P, n));
    }
}

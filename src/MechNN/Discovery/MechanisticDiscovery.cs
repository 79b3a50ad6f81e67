using MechNN.Discovery.Libraries;
using MechNN.Numerics;
using MechNN.Ode;
using MechNN.Ode.Solvers.Banded;
using MechNN.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MechNN.Discovery;

/// <summary>
/// MNN equation discovery (paper §5.1): the data are cut into windows; on each window the mechanistic layer solves
/// u' = Θ(v)·(ξ ⊙ mask) from u(0) = v₀, where v = x + NN(x) is a denoised copy of the window; the loss is
/// MSE(u, x) + MSE(v, x); cycles of training end in hard thresholding of |ξ| that prunes the mask.
/// The left-hand side (u' = rhs with fixed steps) never changes, so it is factorised once (<see cref="FrozenOde"/>).
/// Because u is linear in ξ for a fixed v, each cycle starts from the exact least-squares ξ through the same solver
/// ("integral" STLSQ: regress the windows on the solutions driven by each feature alone), then Adam refines ξ and the
/// denoiser jointly. Without a denoiser network there is nothing for Adam to improve on that fit; the cycles then
/// alternate exact fits (each window's start fitted too) with v ← the fitted solution u (<see cref="IntegralDesign"/>).
/// </summary>
/// <param name="library">The candidate library Θ.</param>
/// <param name="options">Windows, training and thresholding settings.</param>
public sealed class MechanisticDiscovery(ICandidateLibrary library, MechanisticDiscoveryOptions? options = null) : WindowedDiscovery(options)
{
    /// <summary>The candidate library Θ.</summary>
    public ICandidateLibrary Library { get; } = library;

    private protected override DiscoveredModel FitChecked(IReadOnlyList<double[][]> trajectories, double dt, IReadOnlyList<string> stateNames, MechanisticDiscoveryOptions options, Action<DiscoveryProgress>? progress)
    {
        int previous = get_num_threads();
        set_num_threads(options.TorchThreads);
        try { return FitOnThreads(trajectories, dt, stateNames, options, progress); }
        finally { set_num_threads(previous); }
    }

    private DiscoveredModel FitOnThreads(IReadOnlyList<double[][]> trajectories, double dt, IReadOnlyList<string> stateNames, MechanisticDiscoveryOptions o, Action<DiscoveryProgress>? progress)
    {
        int n = trajectories[0][0].Length, L = o.Window;
        manual_seed(o.Seed);
        using var scope = NewDisposeScope();
        var windows = Windows(trajectories, o);                                             // (W, L, n)
        long W = windows.size(0);
        int features = Library.FeatureNames(stateNames).Count;
        var denoising = DenoiserChoice.For(o, trajectories);
        double cut = o.ThresholdPath?.Min() ?? o.Threshold;

        var spec = new OdeSpec(o.Order) { InitialSteps = 1, InitialOrders = 1, Epsilon = false };
        using var frozen = new BandedSolver().Factorise(spec, DerivativeOnly(o.Order), full(1, dt, dtype: ScalarType.Float64), stepCount: L);   // u' = rhs

        Sequential? denoiser = denoising.Width > 0
            ? nn.Sequential(nn.Linear(L * n, denoising.Width), nn.ReLU(), nn.Linear(denoising.Width, denoising.Width), nn.ReLU(), nn.Linear(denoising.Width, L * n))
            : null;
        if (denoiser is not null)
        {
            denoiser.to(ScalarType.Float64);
            using (no_grad()) foreach (var p in denoiser.parameters().TakeLast(2)) p.zero_();  // start at v = x
        }
        Tensor Denoise(Tensor w) => denoiser is null ? w : w + denoiser.forward(w.reshape(w.size(0), -1)).reshape(w.shape);

        var mask = ones(features, n, dtype: ScalarType.Bool);
        ICoefficientSource xi = o.XiNetworkWidth > 0 ? new NetworkCoefficients(features, n, o.XiNetworkWidth) : new DirectCoefficients(features, n);
        var parameters = xi.Parameters().ToList();
        if (denoiser is not null) parameters.AddRange(denoiser.parameters());
        // One Adam run over all cycles (its moments carry across thresholdings, as in the reference); each cycle starts
        // with the exact least-squares ξ on the current support, and ends with a thresholding of |ξ|.
        var batches = new Minibatches((int)W, o.BatchSize, o.Seed);
        int perCycle = batches.PerEpoch * o.EpochsPerCycle;
        int Active() => (int)mask.sum().item<long>();
        void StartCycle()
        {
            using var noGrad = no_grad();
            if (o.Nonlinearity is null) xi.Set(new IntegralDesign(Library, frozen, Denoise(windows), windows, o.FreeStart).Fit(mask, cut));
            else xi.Set(InverseDerivativeLeastSquares(trajectories, dt, features));
        }
        void Threshold(int cycle, double loss)
        {
            // In place: this runs inside a training step, whose dispose scope would free a new mask.
            using (no_grad()) mask.logical_and_(xi.Value().abs().ge(cut));
            progress?.Invoke(new DiscoveryProgress(cycle, o.EpochsPerCycle, loss, Active()));
        }
        // With nothing to train (no denoiser, ξ a direct parameter, no outer function) the exact least squares already
        // minimises the training loss, so Adam would only move ξ off it; the cycles alternate instead: ξ by the exact
        // fit on v's features, pruning, then (optionally) v ← the fitted solution u, a denoised copy the ODE constrains.
        bool closedForm = denoiser is null && o.Nonlinearity is null && o.XiNetworkWidth == 0;
        var featureStates = windows;
        if (closedForm)
        {
            using var noGrad = no_grad();
            for (int cycle = 0; cycle < o.Cycles; cycle++)
            {
                var design = new IntegralDesign(Library, frozen, featureStates, windows, o.FreeStart);
                var fitted = design.Fit(mask, cut);
                mask.logical_and_(fitted.ne(0));
                var u = design.Trajectory(fitted);
                if (o.FeaturesFromSolution) featureStates = u;
                var misfit = u - windows;
                progress?.Invoke(new DiscoveryProgress(cycle, o.EpochsPerCycle, misfit.mul(misfit).mean().item<double>(), Active()));
            }
        }
        else
        {
            double lastLoss = double.NaN;
            var reports = new SynchronousProgress<TrainingProgress>(p =>
            {
                lastLoss = p.Loss;
                int cycle = (p.Step - 1) / perCycle, epoch = (p.Step - 1) % perCycle / batches.PerEpoch;
                progress?.Invoke(new DiscoveryProgress(cycle, epoch, p.Loss, Active()));
            });
            new Trainer(parameters, new TrainingOptions { Steps = o.Cycles * perCycle, LearningRate = o.LearningRate, ReportEvery = batches.PerEpoch })
                .Fit(step =>
                {
                    if (step % perCycle == 0)
                    {
                        if (step > 0) Threshold(step / perCycle - 1, lastLoss);
                        // The known-outer variant fits ξ once by inverse-derivative least squares; later cycles keep Adam's ξ.
                        if (step == 0 || o.Nonlinearity is null) StartCycle();
                        // Setting ξ may itself train (a network source): its gradients must not leak into this step.
                        foreach (var p in parameters) p.grad?.zero_();
                    }
                    var batch = windows.index_select(0, tensor(batches.Indices(step)));
                    var v = Denoise(batch);
                    var drive = Library.Evaluate(v).matmul(xi.Value() * mask);
                    var u = IntegralDesign.Solve(frozen, o.Nonlinearity is null ? drive : o.Nonlinearity.ApplyTensor(drive), v.select(1, 0));
                    return (u - batch).square().mean() + (v - batch).square().mean();
                }, reports);
            if (o.Cycles > 0) Threshold(o.Cycles - 1, lastLoss);
        }
        using (no_grad())
        {
            var settings = new Dictionary<string, double>(Settings(dt, o))
            {
                ["denoiserWidth"] = denoising.Width, ["noiseEstimate"] = denoising.Noise,
                ["xiNetworkWidth"] = o.XiNetworkWidth,
            };
            Tensor best;
            if (o.Nonlinearity is not null) best = xi.Value();
            else
            {
                // Final exact refit on the last support (the "unbias" step of STLSQ, through the ODE solve), or the
                // threshold path scored by BIC.
                var design = new IntegralDesign(Library, frozen, closedForm ? featureStates : Denoise(windows), windows, o.FreeStart);
                if (o.ThresholdPath is null) best = design.Fit(mask, threshold: 0);
                else
                {
                    long samples = trajectories.Sum(x => (long)x.Length);
                    var path = o.ThresholdPath.Distinct().Order().Select(t => (Threshold: t, Xi: design.Fit(mask, t))).ToList();
                    var chosen = path.MinBy(p => design.InformationCriterion(p.Xi, samples));
                    best = chosen.Xi;
                    settings["threshold"] = chosen.Threshold;
                    settings["thresholdByBic"] = 1;
                }
                if (closedForm && o.TrajectoryRefit) best = RefineOnTrajectory(best, trajectories, dt, o, featureStates, settings);
            }
            var final = (best * mask).t().contiguous();
            var coefficients = Enumerable.Range(0, n).Select(d => final[d].data<double>().ToArray()).ToArray();
            return new DiscoveredModel("mnn", Library, stateNames, coefficients, outer: o.Nonlinearity, settings: settings);
        }
    }

    /// <summary>
    /// <see cref="MechanisticDiscoveryOptions.TrajectoryRefit"/>: ξ refined on the model's trajectory (<see cref="TrajectoryRefit"/>)
    /// from the cycles' fitted solutions, then sequential thresholding at the chosen threshold with a refinement after each
    /// pruning, as STLSQ does with least squares. Keeps <paramref name="best"/> when no trajectory through it can be solved.
    /// </summary>
    private Tensor RefineOnTrajectory(Tensor best, IReadOnlyList<double[][]> trajectories, double dt, MechanisticDiscoveryOptions o,
        Tensor featureStates, Dictionary<string, double> settings)
    {
        var refit = new TrajectoryRefit(Library, trajectories[0][0].Length, dt, o.Order, o.Window);
        var (segments, joined) = refit.Cut(trajectories);
        var guess = refit.Cut(Assemble(featureStates, trajectories, o)).Segments;
        double threshold = settings["threshold"];
        var xi = best;
        int pruned = 0, steps = 0;
        double costRatio = double.NaN;
        // Each round but the last prunes at least one term, so there are at most as many rounds as terms.
        for (long round = 0, terms = best.ne(0).sum().item<long>(); round <= terms && xi.ne(0).any().item<bool>(); round++)
        {
            var result = refit.Refine(xi, segments, joined, guess);
            if (result is null) break;
            steps += result.Steps;
            if (round == 0) costRatio = result.CostRatio;        // the later rounds start from its fit
            var keep = Kept(result, threshold);
            int dropped = (int)result.Xi.ne(0).logical_and(keep.logical_not()).sum().item<long>();
            xi = result.Xi * keep;
            guess = result.Trajectory;
            pruned += dropped;
            if (dropped == 0) break;
        }
        bool refitted = !double.IsNaN(costRatio);
        settings["trajectoryRefit"] = refitted ? 1 : 0;
        if (!refitted) return best;
        settings["refitIterations"] = steps;
        settings["refitCostRatio"] = costRatio;
        settings["refitPruned"] = pruned;
        return xi;
    }

    /// <summary>The terms a refit keeps: |ξ| at or above the threshold, less the weakest remaining one when its Wald
    /// statistic t² is below ln n — BIC on the refit's likelihood (a term must lower the χ² cost by more than ln n). One
    /// term at a time: collinear terms share their evidence, and the refit without one tells what the other is worth.</summary>
    private static Tensor Kept(TrajectoryRefit.Result result, double threshold)
    {
        var keep = result.Xi.abs().ge(threshold).logical_and(result.Xi.ne(0));
        var t = result.Significance.masked_fill(keep.logical_not(), double.PositiveInfinity).reshape(-1);
        long weakest = t.argmin().item<long>();
        double weakestT = t[weakest].item<double>();
        if (!(weakestT * weakestT < Math.Log(result.Observations))) return keep;
        var flat = keep.reshape(-1).clone();
        flat[weakest] = false;
        return flat.reshape(keep.shape);
    }

    /// <summary>The left-hand side u' (coefficient 1 on the first derivative) as FrozenOde takes it, (1, 1, 1, order + 1).</summary>
    private static Tensor DerivativeOnly(int order)
    {
        var c = zeros(order + 1, dtype: ScalarType.Float64);
        c[1] = tensor(1.0, dtype: ScalarType.Float64);
        return c.reshape(1, 1, 1, order + 1);
    }

    /// <summary>Start for u' = g(Θξ): sparse least squares of g⁻¹(ẋ) (second-order differences) on Θ(x).</summary>
    private Tensor InverseDerivativeLeastSquares(IReadOnlyList<double[][]> trajectories, double dt, int features)
    {
        var inverse = Options.Nonlinearity!.Inverse;
        var dx = trajectories.SelectMany(data => new Sindy.FiniteDifference().Differentiate(data, Enumerable.Range(0, data.Length).Select(i => i * dt).ToArray()));
        var target = dx.Select(r => r.Select(inverse).ToArray()).ToArray();
        var xi = new Sindy.Stlsq(Options.Threshold).Fit(trajectories.SelectMany(d => d).Select(r => Library.Evaluate(r)).ToArray(), target);
        var result = zeros(features, trajectories[0][0].Length, dtype: ScalarType.Float64);
        for (int d = 0; d < xi.Length; d++) for (int f = 0; f < features; f++) result[f, d] = tensor(xi[d][f], dtype: ScalarType.Float64);
        return result;
    }
}

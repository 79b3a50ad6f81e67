namespace MechNN.Discovery;

/// <summary>Settings of <see cref="MechanisticDiscovery"/> (defaults follow the reference discovery pipeline, scaled for CPUs).</summary>
public sealed record MechanisticDiscoveryOptions
{
    /// <summary>The value of <see cref="Window"/>, <see cref="Stride"/> or <see cref="DenoiserWidth"/> that asks for a
    /// setting chosen from the data.</summary>
    public const int Automatic = -1;
    /// <summary>Steps per window (the ODE solved per window has this many steps); <see cref="Automatic"/>: about two of
    /// the data's shortest characteristic times (<see cref="TimeScale"/>), 20–50 steps.</summary>
    public int Window { get; init; } = 50;
    /// <summary>Offset between consecutive windows; <see cref="Automatic"/>: a tenth of the window.</summary>
    public int Stride { get; init; } = 1;
    /// <summary>Windows per Adam mini-batch.</summary>
    public int BatchSize { get; init; } = 512;
    /// <summary>Adam's learning rate for ξ and the denoiser.</summary>
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>
    /// Hidden width of the denoising network v = x + NN(x) (0: no denoiser, v = x; <see cref="Automatic"/>:
    /// chosen from the data's noise estimate, see <see cref="NoiseEstimate"/>: none on clean data, and — as measured so
    /// far — none on noisy data either, see DenoiserChoice).
    /// </summary>
    public int DenoiserWidth { get; init; } = 256;
    /// <summary>
    /// Thresholds to choose from after training (null: <see cref="Threshold"/> is used as given). Training prunes at the
    /// smallest; then each threshold gives the exact sparse least-squares ξ through the solver, and the one with the
    /// least Bayesian information criterion (samples·ln(RSS/rows) + terms·ln(samples), summed over states) wins.
    /// </summary>
    public IReadOnlyList<double>? ThresholdPath { get; init; }
    /// <summary>torch intra-op threads during the fit (the solver's own loops use .NET's pool). 1 by default: the
    /// tensors are small, and idle OpenMP workers spinning beside the pool slowed fits 5–20× on a loaded machine.</summary>
    public int TorchThreads { get; init; } = 1;
    /// <summary>
    /// Fit each window's initial value u(0) with ξ (closed form: u is affine in u(0)) instead of taking the window's first
    /// (noisy) sample: with u(0) = x₀ the noise of one sample enters every row of its window.
    /// </summary>
    public bool FreeStart { get; init; } = true;
    /// <summary>
    /// Without a denoiser: after each cycle's exact fit, the features Θ(v) of the next cycle are evaluated on the fitted
    /// solutions u rather than on the data (v constrained by the ODE instead of a network; removes most of the
    /// errors-in-variables bias of Θ(noisy x)).
    /// </summary>
    public bool FeaturesFromSolution { get; init; } = true;
    /// <summary>
    /// Without a denoiser network: after the threshold choice, ξ on its support is refined by weighted nonlinear least
    /// squares of the data on the model's own trajectory (segments of one window each, tied end to start; the data only as
    /// targets, no feature read off them). Terms that fall below the chosen threshold are pruned, and the weakest term while
    /// its Wald statistic t² is below ln n (BIC on the refit's likelihood); the rest is refitted after each pruning.
    /// It removes the error the integral fit's features carry where a state is small against its noise: on the tuning
    /// seeds at 5% noise the median max error went 3.8% → 0.4% (Rössler), 1.2% → 0.2% (Lorenz), 0.6% → 0.3% (van der Pol),
    /// and the linear SHO's rms error sits at its Cramér–Rao bound (docs/results/discovery.md). Off by default; on in
    /// <see cref="DataDriven"/>.
    /// </summary>
    public bool TrajectoryRefit { get; init; }
    /// <summary>Threshold cycles: train, then prune |ξ| &lt; Threshold, repeated.</summary>
    public int Cycles { get; init; } = 6;
    /// <summary>Epochs over the windows between two thresholding steps.</summary>
    public int EpochsPerCycle { get; init; } = 20;
    /// <summary>Coefficients with |ξ| below this are set to zero at the end of each cycle (sequential thresholding, as STLSQ).</summary>
    public double Threshold { get; init; } = 0.1;
    /// <summary>Seed of the network initialisation and the window order.</summary>
    public long Seed { get; init; } = 0;
    /// <summary>
    /// Order of the per-window ODE u' = rhs (its Taylor rows carry derivatives up to this order). The reference uses 2;
    /// 3 is the default here because it is markedly more accurate at the same cost: on Lorenz (dt 0.01, 10,000 steps)
    /// the worst coefficient error was 2.1% with order 2 and 0.21% with order 3 (measured 2026-11-23).
    /// </summary>
    public int Order { get; init; } = 3;
    /// <summary>
    /// A known outer function g for u' = g(Θ(v)ξ) (paper §5.1, e.g. <see cref="OuterFunction.Tanh"/>). The exact
    /// least-squares start no longer applies; ξ starts from least squares of g⁻¹(finite-difference derivatives) on Θ,
    /// then training through the solver refines it. The fitted model keeps g.
    /// </summary>
    public OuterFunction? Nonlinearity { get; init; }
    /// <summary>0: ξ is a direct parameter; &gt; 0: ξ is produced by an MLP of this width from a learnable 64-d code (reference variant).</summary>
    public int XiNetworkWidth { get; init; }

    /// <summary>The thresholds <see cref="DataDriven"/> chooses from.</summary>
    public static IReadOnlyList<double> DefaultThresholdPath { get; } = new[] { 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1 };

    /// <summary>
    /// The settings of `discover --method mnn` without options, chosen on data the `bench discovery` sweep does not score
    /// (its systems with noise seeds 100–102, docs/results/discovery.md): window and stride from the data's time scale, no
    /// denoiser network (the cycles take Θ(v) on the fitted solutions instead), each window's start fitted, 3 cycles, the
    /// threshold chosen by BIC over <see cref="DefaultThresholdPath"/>, then ξ refined on the model's trajectory
    /// (<see cref="TrajectoryRefit"/>, chosen on noise seeds 112–131).
    /// </summary>
    public static MechanisticDiscoveryOptions DataDriven { get; } = new()
    {
        Window = Automatic, Stride = Automatic, Cycles = 3, EpochsPerCycle = 2, Order = 3, DenoiserWidth = Automatic,
        ThresholdPath = DefaultThresholdPath, TrajectoryRefit = true,
    };

    /// <summary>The fewest samples a trajectory needs: one window (the shortest automatic one when it is automatic).</summary>
    public int MinimumSamples => Window == Automatic ? WindowChoice.Shortest : Window;

    /// <summary>These options, or an <see cref="ArgumentException"/> naming the first setting out of its range.</summary>
    internal MechanisticDiscoveryOptions Checked()
    {
        if (Order < 1) throw OptionCheck.Invalid("order", "≥ 1", Order);
        // u' = rhs pins only the first derivative and u(0): a window of fewer steps than the order leaves a polynomial
        // of higher derivatives free, and the per-window ODE is singular.
        int shortest = Math.Max(2, Order);
        if (Window < shortest && Window != Automatic)
            throw OptionCheck.Invalid("window", $"≥ {shortest} (at least 2 and the order, {Order}: shorter windows leave the per-window ODE undetermined; or -1 for automatic)", Window);
        if (Stride < 1 && Stride != Automatic) throw OptionCheck.Invalid("stride", "≥ 1 (or -1 for automatic)", Stride);
        if (BatchSize < 1) throw OptionCheck.Invalid("batch size", "≥ 1", BatchSize);
        if (!(LearningRate > 0 && double.IsFinite(LearningRate))) throw OptionCheck.Invalid("learning rate", "> 0", LearningRate);
        if (DenoiserWidth < Automatic) throw OptionCheck.Invalid("denoiser width", "≥ 0 (or -1 for automatic)", DenoiserWidth);
        if (ThresholdPath is { } path && (path.Count == 0 || path.Any(t => !(t >= 0 && double.IsFinite(t)))))
            throw new ArgumentException("threshold path must hold at least one threshold, each ≥ 0");
        if (TorchThreads < 1) throw OptionCheck.Invalid("torch threads", "≥ 1", TorchThreads);
        if (Cycles < 1) throw OptionCheck.Invalid("cycles", "≥ 1", Cycles);
        // Zero epochs would train nothing and report the loss of no epoch (NaN) beside the start's model.
        if (EpochsPerCycle < 1) throw OptionCheck.Invalid("epochs", "≥ 1", EpochsPerCycle);
        if (!(Threshold >= 0 && double.IsFinite(Threshold))) throw OptionCheck.Invalid("threshold", "≥ 0", Threshold);
        if (XiNetworkWidth < 0) throw OptionCheck.Invalid("xi-network width", "≥ 0", XiNetworkWidth);
        return this;
    }
}

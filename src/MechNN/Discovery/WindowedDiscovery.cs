using static TorchSharp.torch;

namespace MechNN.Discovery;

/// <summary>
/// What the MNN discovery methods share: trajectories on one uniform grid, cut into windows of
/// <see cref="MechanisticDiscoveryOptions.Window"/> steps on which the mechanistic layer solves; the fits differ.
/// </summary>
/// <param name="options">Windows, training and thresholding settings.</param>
/// <exception cref="ArgumentException">A setting out of its range (named as the CLI's option is, e.g. "cycles must be ≥ 1 (got 0)").</exception>
public abstract class WindowedDiscovery(MechanisticDiscoveryOptions? options) : IDiscoveryMethod
{
    /// <summary>The fit's settings.</summary>
    public MechanisticDiscoveryOptions Options { get; } = (options ?? new MechanisticDiscoveryOptions()).Checked();

    /// <inheritdoc/>
    /// <remarks>The times must share one uniform step (the per-window ODE is solved on a fixed grid).</remarks>
    public DiscoveredModel Fit(IReadOnlyList<(double[][] X, double[] T)> trajectories, IReadOnlyList<string>? names = null, Action<DiscoveryProgress>? progress = null) =>
        Fit(trajectories.Select(t => t.X).ToList(), UniformSteps.Of(trajectories), names, progress);

    /// <summary>Fits one trajectory sampled every <paramref name="dt"/>.</summary>
    public DiscoveredModel Fit(double[][] data, double dt, IReadOnlyList<string>? names = null, Action<DiscoveryProgress>? progress = null) =>
        Fit(new[] { data }, dt, names, progress);

    /// <summary>Several trajectories of one system (same state width and step <paramref name="dt"/>): their windows are pooled.</summary>
    /// <param name="trajectories">Each: samples × states.</param>
    /// <param name="dt">The sample spacing.</param>
    /// <param name="names">State names (default x0, x1, …).</param>
    /// <param name="progress">Called after every epoch and after every pruning.</param>
    /// <exception cref="ArgumentException">No trajectories, one shorter than a window, differing state widths, or dt ≤ 0.</exception>
    public DiscoveredModel Fit(IReadOnlyList<double[][]> trajectories, double dt, IReadOnlyList<string>? names = null, Action<DiscoveryProgress>? progress = null)
    {
        if (trajectories.Count == 0) throw new ArgumentException("At least one trajectory is needed.");
        int n = trajectories[0][0].Length, L = Options.MinimumSamples;
        for (int k = 0; k < trajectories.Count; k++)
        {
            if (trajectories[k].Length < L) throw new ArgumentException($"trajectory {k}: {trajectories[k].Length} samples are fewer than one window of {L}.");
            if (trajectories[k][0].Length != n) throw new ArgumentException($"trajectory {k} has {trajectories[k][0].Length} states, trajectory 0 has {n}.");
        }
        if (!(dt > 0)) throw new ArgumentException($"The time step must be positive (got {dt}).", nameof(dt));
        if (names is not null && names.Count != n) throw new ArgumentException($"{names.Count} names for {n} states.", nameof(names));
        return FitChecked(trajectories, dt, names ?? Enumerable.Range(0, n).Select(i => $"x{i}").ToList(), WindowChoice.Resolve(Options, trajectories, dt), progress);
    }

    /// <summary>The fit itself, on checked trajectories, with the window and stride resolved in <paramref name="options"/>.</summary>
    private protected abstract DiscoveredModel FitChecked(IReadOnlyList<double[][]> trajectories, double dt, IReadOnlyList<string> names, MechanisticDiscoveryOptions options, Action<DiscoveryProgress>? progress);

    /// <summary>Every window of every trajectory, (W, Window, states), windows Stride apart (resolved options).</summary>
    private protected static Tensor Windows(IReadOnlyList<double[][]> trajectories, MechanisticDiscoveryOptions options) =>
        cat(trajectories.Select(data => tensor(data.SelectMany(r => r).ToArray(), dtype: ScalarType.Float64)
            .reshape(data.Length, data[0].Length).unfold(0, options.Window, options.Stride).permute(0, 2, 1)).ToArray(), 0).contiguous();

    /// <summary>Windows per trajectory (resolved options): (samples − Window)/Stride + 1, the ones <see cref="Windows"/> cuts.</summary>
    private protected static int[] WindowCounts(IReadOnlyList<double[][]> trajectories, MechanisticDiscoveryOptions options) =>
        trajectories.Select(x => (x.Length - options.Window) / options.Stride + 1).ToArray();

    /// <summary>Per trajectory, the mean over the windows that hold each sample of <paramref name="u"/> (W, Window, n);
    /// samples no window holds (the tail past the last window) keep <paramref name="trajectories"/>' values.</summary>
    private protected static List<double[][]> Assemble(Tensor u, IReadOnlyList<double[][]> trajectories, MechanisticDiscoveryOptions options)
    {
        int L = options.Window, s = options.Stride, n = (int)u.size(2);
        var flat = u.contiguous().data<double>().ToArray();
        var counts = WindowCounts(trajectories, options);
        var result = new List<double[][]>();
        int offset = 0;
        for (int k = 0; k < trajectories.Count; k++)
        {
            var x = trajectories[k];
            var sum = new double[x.Length, n];
            var cover = new int[x.Length];
            for (int j = 0; j < counts[k]; j++)
                for (int i = 0; i < L; i++)
                {
                    int t = j * s + i;
                    cover[t]++;
                    for (int d = 0; d < n; d++) sum[t, d] += flat[((offset + j) * L + i) * n + d];
                }
            offset += counts[k];
            result.Add(Enumerable.Range(0, x.Length).Select(t => cover[t] == 0 ? (double[])x[t].Clone()
                : Enumerable.Range(0, n).Select(d => sum[t, d] / cover[t]).ToArray()).ToArray());
        }
        return result;
    }

    /// <summary>The settings kept with the fitted model (resolved options).</summary>
    private protected static Dictionary<string, double> Settings(double dt, MechanisticDiscoveryOptions options) => new()
    {
        ["threshold"] = options.Threshold, ["window"] = options.Window, ["stride"] = options.Stride, ["order"] = options.Order,
        ["cycles"] = options.Cycles, ["epochsPerCycle"] = options.EpochsPerCycle, ["learningRate"] = options.LearningRate,
        ["seed"] = options.Seed, ["dt"] = dt,
    };
}

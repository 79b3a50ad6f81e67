using MechNN.Integrators;
using MechNN.IO.Csv;
using MechNN.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Experiments.NBody;

/// <summary>How one forecaster did on the second half: teacher-forced window MSE and rollout MSE at several horizons.</summary>
/// <param name="Model">MNN, Neural ODE or true law.</param>
/// <param name="Seed">Training seed (0 for the true law).</param>
/// <param name="Steps">Optimisation steps made.</param>
/// <param name="FinalLoss">Mean training loss of the last report group (NaN for the true law).</param>
/// <param name="TeacherForcedMse">Position MSE of the forecast halves of the windows of the second half, each from true observations.</param>
/// <param name="RolloutMse">Horizon → position MSE averaged over the first that many rollout steps (NaN: diverged).</param>
/// <param name="Rollout">The rollout's positions, (horizon steps, N, 2) flattened per step to 2N values.</param>
/// <param name="Seconds">Training wall time (all processes of a resumed run).</param>
/// <param name="Validation">Teacher-forced MSE of the evaluated model on the held-out windows of the training half (null: none held out).</param>
/// <param name="ValidationHistory">The same during training, as (step, MSE) (empty: none held out, or no training).</param>
public sealed record NBodyForecastResult(string Model, long Seed, int Steps, double FinalLoss, double TeacherForcedMse,
    IReadOnlyDictionary<int, double> RolloutMse, double[][] Rollout, double Seconds, double? Validation, IReadOnlyList<(int Step, double Value)> ValidationHistory);

/// <summary>
/// The N-body forecasting protocol (paper §5.5): train on the first half of one trajectory in windows of
/// <c>observed</c> steps → the next <c>observed</c>, evaluate on the second half. Both models see the same windows in the
/// same mini-batches (<see cref="Minibatches"/>, batch 30 by default) for the same number of Adam steps.
/// </summary>
public sealed class NBodyForecast
{
    private readonly Tensor _positions;   // (steps, N, 2)
    private readonly Tensor _states;      // (steps, 4N)

    /// <summary>The protocol on one trajectory.</summary>
    /// <param name="states">Samples × 4N states (x, y, vx, vy per body).</param>
    /// <param name="step">Sample spacing.</param>
    /// <param name="trainSteps">Samples of the training half (the rest is evaluated).</param>
    /// <param name="observed">Observed steps per window (and steps forecast per window).</param>
    /// <param name="device">Where the data and the models live (CPU when null).</param>
    /// <param name="validation">Windows held out at the end of the training half (see <see cref="ValidationWindows"/>); 0: none.</param>
    /// <exception cref="ArgumentException">The states are not 4N wide, too short for a window on either side of the split, or the validation windows leave no training window.</exception>
    public NBodyForecast(double[][] states, double step, int trainSteps, int observed = 50, Device? device = null, int validation = 0)
    {
        Device = device ?? CPU;
        if (states.Length == 0 || states[0].Length < 8 || states[0].Length % 4 != 0)
            throw new ArgumentException($"an N-body trajectory has 4N ≥ 8 columns per sample (x, y, vx, vy per body); got {(states.Length == 0 ? 0 : states[0].Length)}");
        for (int i = 0; i < states.Length; i++)
            if (states[i].Length != states[0].Length) throw new ArgumentException($"sample {i} has {states[i].Length} values, expected {states[0].Length}");
        if (observed < 2) throw new ArgumentException($"the window needs at least 2 observed steps (got {observed})");
        if (trainSteps < 2 * observed || states.Length - trainSteps < 2 * observed)
            throw new ArgumentException($"{states.Length} samples split at {trainSteps} leave fewer than {2 * observed} samples (one window) on a side");
        int windows = trainSteps - 2 * observed + 1;
        if (validation < 0 || validation > 0 && windows - validation - 2 * observed + 1 < 1)
            throw new ArgumentException($"--validation {validation}: must be ≥ 0 and leave a training window before the held-out ones (at most {Math.Max(0, windows - 2 * observed)} of the {windows} windows of the training half)");
        ValidationWindows = validation;
        Bodies = states[0].Length / 4;
        Step = step;
        TrainSteps = trainSteps;
        Observed = observed;
        States = states;
        _states = tensor(states.SelectMany(r => r).ToArray(), dtype: ScalarType.Float64).reshape(states.Length, 4 * Bodies).to(Device);
        _positions = _states.reshape(states.Length, Bodies, 4).narrow(-1, 0, 2).contiguous();
        var p = _positions.narrow(0, 0, trainSteps);
        PositionScale = p.square().mean().sqrt().item<double>();
        VelocityScale = _states.narrow(0, 0, trainSteps).reshape(trainSteps, Bodies, 4).narrow(-1, 2, 2).square().mean().sqrt().item<double>();
    }

    /// <summary>A protocol from a trajectory CSV (uniform time step; columns x0, y0, vx0, vy0, x1, …).</summary>
    /// <param name="trajectory">The trajectory.</param>
    /// <param name="observed">Observed steps per window.</param>
    /// <param name="device">Where the data and the models live (CPU when null).</param>
    /// <param name="validation">Windows held out at the end of the training half; 0: none.</param>
    /// <returns>The protocol, split in half.</returns>
    /// <exception cref="ArgumentException">Non-uniform time step, or a shape the protocol cannot use.</exception>
    public static NBodyForecast FromTrajectory(Trajectory trajectory, int observed = 50, Device? device = null, int validation = 0)
    {
        var t = trajectory.Times;
        double step = t[1] - t[0];
        for (int i = 2; i < t.Length; i++)
            if (Math.Abs(t[i] - t[i - 1] - step) > 1e-9 * Math.Max(1, step)) throw new ArgumentException($"the time step is not uniform (sample {i} breaks it)");
        return new NBodyForecast(trajectory.States, step, trajectory.States.Length / 2, observed, device, validation);
    }

    /// <summary>Where the data lives; models must be moved there.</summary>
    public Device Device { get; }

    /// <summary>Bodies N.</summary>
    public int Bodies { get; }

    /// <summary>Sample spacing.</summary>
    public double Step { get; }

    /// <summary>Samples of the training half.</summary>
    public int TrainSteps { get; }

    /// <summary>Observed (and forecast) steps per window.</summary>
    public int Observed { get; }

    /// <summary>The trajectory.</summary>
    public double[][] States { get; }

    /// <summary>RMS position over the training half.</summary>
    public double PositionScale { get; }

    /// <summary>RMS velocity over the training half.</summary>
    public double VelocityScale { get; }

    /// <summary>
    /// Validation windows: the last this many window starts of the training half. The training windows stop where they
    /// begin (no training window shares a sample with one), so model choices made on them never see steps 2000–4000.
    /// </summary>
    public int ValidationWindows { get; }

    /// <summary>Training windows: every start s with s + 2·observed ≤ the split, or ≤ the first validation window's start when windows are held out.</summary>
    public int TrainWindows => ValidationWindows == 0 ? TrainSteps - 2 * Observed + 1 : TrainSteps - 4 * Observed + 2 - ValidationWindows;

    /// <summary>Start of the first validation window.</summary>
    private int FirstValidationStart => TrainSteps - 2 * Observed + 1 - ValidationWindows;

    /// <summary>The protocol's optimiser settings: Adam 1e-4 (the reference's), the given step budget.</summary>
    /// <param name="steps">Adam steps.</param>
    /// <param name="seed">Torch seed.</param>
    /// <returns>Options for <see cref="Trainer"/>.</returns>
    public static TrainingOptions Protocol(int steps, long seed) => new() { Steps = steps, LearningRate = 1e-4, Seed = seed, ReportEvery = 10 };

    /// <summary>Positions of the windows starting at <paramref name="starts"/>: (W, 2·observed, N, 2).</summary>
    private Tensor Windows(Tensor starts) =>
        _positions.unfold(0, 2 * Observed, 1).index_select(0, starts).permute(0, 3, 1, 2);

    /// <summary>The MNN's loss on step <paramref name="step"/>'s mini-batch: position MSE over the whole window.</summary>
    /// <param name="model">The MNN.</param>
    /// <param name="batches">Mini-batches of window starts.</param>
    /// <param name="step">Step index.</param>
    /// <returns>The scalar loss.</returns>
    public Tensor MnnLoss(NBodyMnnForecaster model, Minibatches batches, int step) => MnnLoss(model, tensor(batches.Indices(step), device: Device));

    private Tensor MnnLoss(NBodyMnnForecaster model, Tensor starts)
    {
        var window = Windows(starts);
        return (model.forward(window.narrow(1, 0, Observed)) - window).square().mean();
    }

    /// <summary>The Neural ODE's loss on the same mini-batch: position MSE of the forecast from the last observed state.</summary>
    /// <param name="model">The Neural ODE.</param>
    /// <param name="batches">Mini-batches of window starts.</param>
    /// <param name="step">Step index.</param>
    /// <returns>The scalar loss.</returns>
    public Tensor NeuralOdeLoss(NBodyNeuralOde model, Minibatches batches, int step) => NeuralOdeLoss(model, tensor(batches.Indices(step), device: Device));

    private Tensor NeuralOdeLoss(NBodyNeuralOde model, Tensor starts) =>
        (model.forward(LastObserved(starts)) - Windows(starts).narrow(1, Observed, Observed)).square().mean();

    /// <summary>
    /// Mini-batch starts on the data's device, uploaded once per epoch: a copy from host memory at every step would
    /// make the host wait for the GPU's queue to drain each time.
    /// </summary>
    private sealed class DeviceBatches(Minibatches batches, Device device)
    {
        private int _epoch = -1;
        private Tensor? _order;

        public Tensor Starts(int step)
        {
            int epoch = batches.Epoch(step), first = epoch * batches.PerEpoch;
            if (epoch != _epoch)
            {
                _order?.Dispose();
                var order = Enumerable.Range(first, batches.PerEpoch).SelectMany(batches.Indices).ToArray();
                _order = tensor(order, device: device).DetachFromDisposeScope();   // outlives the trainer's per-step scope
                _epoch = epoch;
            }
            return _order!.narrow(0, (long)(step - first) * batches.BatchSize, batches.Indices(step).Length);
        }
    }

    /// <summary>Trains the MNN on the training windows.</summary>
    /// <param name="model">The MNN.</param>
    /// <param name="options">Adam settings and budget (<see cref="Protocol"/>).</param>
    /// <param name="batchSize">Windows per step.</param>
    /// <param name="progress">Progress reports.</param>
    /// <param name="cancellation">Stops training.</param>
    /// <returns>What the run did.</returns>
    public TrainingResult Train(NBodyMnnForecaster model, TrainingOptions options, int batchSize = 30, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        var batches = new DeviceBatches(new Minibatches(TrainWindows, batchSize, options.Seed ?? 0), Device);
        return new Trainer(model, WithValidation(options, () => ValidationMse(model))).Fit(step => MnnLoss(model, batches.Starts(step)), progress, cancellation);
    }

    /// <summary>Trains the Neural ODE on the same windows and mini-batches.</summary>
    /// <param name="model">The Neural ODE.</param>
    /// <param name="options">Adam settings and budget (<see cref="Protocol"/>).</param>
    /// <param name="batchSize">Windows per step.</param>
    /// <param name="progress">Progress reports.</param>
    /// <param name="cancellation">Stops training.</param>
    /// <returns>What the run did.</returns>
    public TrainingResult Train(NBodyNeuralOde model, TrainingOptions options, int batchSize = 30, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        var batches = new DeviceBatches(new Minibatches(TrainWindows, batchSize, options.Seed ?? 0), Device);
        return new Trainer(model, WithValidation(options, () => ValidationMse(model))).Fit(step => NeuralOdeLoss(model, batches.Starts(step)), progress, cancellation);
    }

    /// <summary>The options with the validation metric, when windows are held out and the caller set none.</summary>
    private TrainingOptions WithValidation(TrainingOptions options, Func<double> metric) =>
        ValidationWindows == 0 || options.Validation is not null ? options : options with { Validation = metric };

    /// <summary>Starts of the validation windows.</summary>
    private long[] ValidationStarts() => Enumerable.Range(FirstValidationStart, ValidationWindows).Select(s => (long)s).ToArray();

    /// <summary>The MNN's teacher-forced forecast-half MSE on the validation windows (what model choices are made on).</summary>
    /// <param name="model">The MNN.</param>
    /// <returns>The MSE (NaN when no windows are held out).</returns>
    public double ValidationMse(NBodyMnnForecaster model) => ValidationWindows == 0 ? double.NaN : TeacherForced(ValidationStarts(), w => ForecastHalf(model, w));

    /// <summary>The Neural ODE's teacher-forced forecast MSE on the validation windows.</summary>
    /// <param name="model">The Neural ODE.</param>
    /// <returns>The MSE (NaN when no windows are held out).</returns>
    public double ValidationMse(NBodyNeuralOde model) => ValidationWindows == 0 ? double.NaN : TeacherForced(ValidationStarts(), w => model.forward(LastObserved(w)));

    /// <summary>The MNN's positions over the forecast half of each window, from its observed half.</summary>
    private Tensor ForecastHalf(NBodyMnnForecaster model, Tensor starts) => model.forward(Windows(starts).narrow(1, 0, Observed)).narrow(1, Observed, Observed);

    /// <summary>The true states at the last observed step of the windows starting at <paramref name="starts"/>.</summary>
    private Tensor LastObserved(Tensor starts) => _states.index_select(0, starts + (Observed - 1));

    /// <summary>
    /// Position MSE of <paramref name="forecast"/> (window starts → (W, observed, N, 2)) against the forecast halves,
    /// without gradients, in chunks of windows so a long set never holds one huge graph-free batch on the device.
    /// </summary>
    private double TeacherForced(long[] starts, Func<Tensor, Tensor> forecast, int chunk = 256)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor? sum = null;
        for (int first = 0; first < starts.Length; first += chunk)
        {
            var part = tensor(starts.Skip(first).Take(chunk).ToArray(), device: Device);
            var error = (forecast(part) - Windows(part).narrow(1, Observed, Observed)).square().sum();
            sum = sum is null ? error : sum + error;
        }
        return sum is null ? double.NaN : sum.item<double>() / ((double)starts.Length * Observed * Bodies * 2);
    }

    /// <summary>Starts of the evaluation windows: their forecast halves tile the second half.</summary>
    private long[] EvaluationStarts()
    {
        var starts = new List<long>();
        for (int s = TrainSteps - Observed; s + 2 * Observed <= States.Length; s += Observed) starts.Add(s);
        return starts.ToArray();
    }

    /// <summary>Rollout horizons reported: 100, 500 and 2000 steps where the second half is that long, else its length.</summary>
    public IReadOnlyList<int> Horizons()
    {
        int available = States.Length - TrainSteps;
        var h = new[] { 100, 500, 2000 }.Where(x => x <= available).ToList();
        if (h.Count == 0 || h[^1] < available && available < 2000) h.Add(available);
        return h;
    }

    /// <summary>Evaluates the MNN: teacher-forced windows, and rollout in hops of <c>observed</c> steps from the true positions before the split.</summary>
    /// <param name="model">The MNN.</param>
    /// <param name="seed">Its training seed.</param>
    /// <param name="run">Its training run (null for a loaded model).</param>
    /// <returns>The metrics.</returns>
    public NBodyForecastResult Evaluate(NBodyMnnForecaster model, long seed, TrainingResult? run)
    {
        double teacher = TeacherForced(EvaluationStarts(), w => ForecastHalf(model, w));
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        int horizon = States.Length - TrainSteps;
        var context = _positions.narrow(0, TrainSteps - Observed, Observed).unsqueeze(0);
        var pieces = new List<Tensor>();
        for (int made = 0; made < horizon; made += Observed)
        {
            var next = model.forward(context).narrow(1, Observed, Observed);
            pieces.Add(next.squeeze(0));
            context = next;
        }
        var rollout = cat(pieces, 0).narrow(0, 0, horizon);
        return Result("MNN", seed, run, teacher, rollout, ValidationWindows == 0 ? null : ValidationMse(model));
    }

    /// <summary>Evaluates the Neural ODE the same way; its rollout integrates on from the true state at the last training sample.</summary>
    /// <param name="model">The Neural ODE.</param>
    /// <param name="seed">Its training seed.</param>
    /// <param name="run">Its training run.</param>
    /// <returns>The metrics.</returns>
    public NBodyForecastResult Evaluate(NBodyNeuralOde model, long seed, TrainingResult? run)
    {
        double teacher = TeacherForced(EvaluationStarts(), w => model.forward(LastObserved(w)));
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        int horizon = States.Length - TrainSteps;
        var rollout = model.Integrate(_states.narrow(0, TrainSteps - 1, 1), horizon).squeeze(0).reshape(horizon, Bodies, 4).narrow(-1, 0, 2);
        return Result("Neural ODE", seed, run, teacher, rollout, ValidationWindows == 0 ? null : ValidationMse(model));
    }

    /// <summary>The floor: the true law integrated (Dormand–Prince, rtol = atol = 1e-10) from the true states, evaluated alike.</summary>
    /// <param name="system">The system that made the data.</param>
    /// <returns>The metrics.</returns>
    /// <exception cref="ArgumentException">The system has another number of bodies.</exception>
    public NBodyForecastResult Evaluate(NBodySystem system)
    {
        if (system.Bodies != Bodies) throw new ArgumentException($"the true law has {system.Bodies} bodies, the data {Bodies}");
        var solver = new DormandPrince45(1e-10, 1e-10);
        var times = Enumerable.Range(0, Observed + 1).Select(i => i * Step).ToArray();
        double sum = 0;
        int count = 0;
        foreach (var s in EvaluationStarts())
        {
            var path = solver.Integrate((_, x) => system.Derivative(x), States[s + Observed - 1], times);
            for (int k = 1; k <= Observed; k++)
                for (int body = 0; body < Bodies; body++)
                    for (int axis = 0; axis < 2; axis++) { sum += Math.Pow(path[k][4 * body + axis] - States[s + Observed - 1 + k][4 * body + axis], 2); count++; }
        }
        int horizon = States.Length - TrainSteps;
        var rolloutTimes = Enumerable.Range(0, horizon + 1).Select(i => i * Step).ToArray();
        var rolled = solver.Integrate((_, x) => system.Derivative(x), States[TrainSteps - 1], rolloutTimes).Skip(1)
            .SelectMany(x => Enumerable.Range(0, Bodies).SelectMany(b => new[] { x[4 * b], x[4 * b + 1] })).ToArray();
        using var scope = NewDisposeScope();
        return Result("true law", 0, null, sum / count, tensor(rolled, dtype: ScalarType.Float64, device: Device).reshape(horizon, Bodies, 2), null);
    }

    private NBodyForecastResult Result(string name, long seed, TrainingResult? run, double teacher, Tensor rollout, double? validation)
    {
        int horizon = (int)rollout.size(0);
        var truth = _positions.narrow(0, TrainSteps, horizon);
        var perStep = (rollout - truth).square().mean(new long[] { 1, 2 });   // (horizon)
        var cumulative = perStep.cumsum(0).cpu().data<double>().ToArray();
        var mse = Horizons().ToDictionary(h => h, h => cumulative[h - 1] / h is var v && double.IsFinite(v) ? v : double.NaN);
        var positions = rollout.reshape(horizon, 2 * Bodies).cpu().data<double>().ToArray();
        var rows = Enumerable.Range(0, horizon).Select(i => positions.AsSpan(i * 2 * Bodies, 2 * Bodies).ToArray()).ToArray();
        return new NBodyForecastResult(name, seed, run?.Steps ?? 0, run?.FinalLoss ?? double.NaN, double.IsFinite(teacher) ? teacher : double.NaN, mse, rows,
            run?.TotalElapsed.TotalSeconds ?? 0, validation, run?.ValidationHistory ?? Array.Empty<(int, double)>());
    }
}

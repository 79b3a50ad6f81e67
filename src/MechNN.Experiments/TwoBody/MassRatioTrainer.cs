using System.Diagnostics;
using MechNN.Experiments.Systems;
using MechNN.Integrators;
using MechNN.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Experiments.TwoBody;

/// <summary>Learned mass ratios c₂ⱼ/c₁ⱼ per axis (x, y), the final loss and the time it took.</summary>
public sealed record MassRatioResult(double RatioX, double RatioY, double FinalLoss, int Iterations, double Seconds);

/// <summary>
/// Paper §5.4 protocol: one 2-body trajectory (masses 10 and 20, G = 2, rtol 1e-11), windows of 50 steps, the restricted
/// MNN trained full-batch with Adam on the MSE of the positions.
/// </summary>
public static class MassRatioTrainer
{
    public static (double[][] States, double Step) Generate(long seed, int steps = 2000, double step = 0.05)
    {
        var system = new TwoBodySystem();
        return (system.Trajectory(system.RandomInitialState(seed), step, steps, tolerance: 1e-11).X, step);
    }

    /// <summary>Trains any windowed position model (the MNN or the Neural ODE baseline) full-batch on the same windows.</summary>
    public static TrainingResult TrainWindows(nn.Module<Tensor, Tensor> model, double[][] states, TrainingOptions options, int window = 50, int stride = 10,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        var (windows, target) = Windows(states, window, stride);
        return new Trainer(model, options).Fit(_ => (model.forward(windows) - target).square().mean(), progress, cancellation);
    }

    /// <summary>The protocol's optimiser settings: full-batch Adam, learning rate 3e-3 (600 iterations in the paper task).</summary>
    public static TrainingOptions Protocol(int iterations = 600) => new() { Steps = iterations, LearningRate = 3e-3 };

    /// <summary>Overlapping windows (W, T, 8) of the states and their positions (W, T, 2 bodies, 2 axes), the training targets.</summary>
    private static (Tensor Windows, Tensor Target) Windows(double[][] states, int window, int stride)
    {
        var data = tensor(states.SelectMany(r => r).ToArray(), dtype: ScalarType.Float64).reshape(states.Length, 8);
        var windows = data.unfold(0, window, stride).permute(0, 2, 1).contiguous();
        return (windows, windows.narrow(-1, 0, 4).reshape(windows.size(0), window, 2, 2));
    }

    /// <summary>The training loss of a model as it stands (e.g. loaded from a file), on the same windows.</summary>
    public static double WindowLoss(nn.Module<Tensor, Tensor> model, double[][] states, int window = 50, int stride = 10)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (windows, target) = Windows(states, window, stride);
        return (model.forward(windows) - target).square().mean().item<double>();
    }

    /// <summary>Trains the restricted MNN and reads off the learned mass ratios.</summary>
    public static MassRatioResult Train(MassRatioModel model, double[][] states, TrainingOptions options, int window = 50, int stride = 10,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        var sw = Stopwatch.StartNew();
        var run = TrainWindows(model, states, options, window, stride, progress, cancellation);
        var (x, y) = Ratios(model);
        return new MassRatioResult(x, y, run.FinalLoss, run.Steps, sw.Elapsed.TotalSeconds);
    }

    public static (double X, double Y) Ratios(MassRatioModel model)
    {
        using var noGrad = no_grad();
        var c = model.C;
        return ((c[1, 0] / c[0, 0]).item<double>(), (c[1, 1] / c[0, 1]).item<double>());
    }

    /// <summary>Integrates the learned dynamics r₁'' = F/c₁, r₂'' = −F/c₂ (Dormand–Prince) from a state, for forecasts.</summary>
    public static double[][] Forecast(MassRatioModel model, double[] state, IReadOnlyList<double> times) =>
        new DormandPrince45(1e-8, 1e-8).Integrate((_, s) =>
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var f = model.Force(tensor(new[] { s[0] - s[2], s[1] - s[3] }, dtype: ScalarType.Float64)).data<double>().ToArray();
            var c = model.C.data<double>().ToArray();   // [c1x, c1y, c2x, c2y]
            return new[] { s[4], s[5], s[6], s[7], f[0] / c[0], f[1] / c[1], -f[0] / c[2], -f[1] / c[3] };
        }, state, times);
}

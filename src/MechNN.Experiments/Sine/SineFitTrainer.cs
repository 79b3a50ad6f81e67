using MechNN.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Experiments.Sine;

/// <summary>
/// Trains a <see cref="ISineModel"/> with Adam on the MSE to a sequence of noisy targets (fresh noise each iteration,
/// as in the paper's §5.7), timing every iteration (each report reads the loss back, which synchronises the device).
/// </summary>
public static class SineFitTrainer
{
    /// <summary>One Adam step per target, learning rate <paramref name="learningRate"/>; median step time and final errors.</summary>
    public static SineFitResult Train(ISineModel model, IReadOnlyList<Tensor> targets, Tensor clean, double learningRate = 1e-2,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        var parameters = model.Parameters().ToList();
        var device = parameters[0].device;
        var dtype = parameters[0].dtype;
        // Moved before training so that the timed steps hold only the model's work.
        var onDevice = targets.Select(t => t.to(dtype, device)).ToList();
        var times = new List<double>();
        var last = TimeSpan.Zero;
        var watch = new ProgressTee(progress, p => { times.Add((p.Elapsed - last).TotalMilliseconds); last = p.Elapsed; });
        var run = new Trainer(parameters, new TrainingOptions { Steps = targets.Count, LearningRate = learningRate })
            .Fit(step => (model.Predict() - onDevice[step]).square().mean(), watch, cancellation);
        using var noGrad = no_grad();
        var fit = model.Predict().to(ScalarType.Float64).cpu();
        double noisy = (fit - targets[^1]).square().mean().item<double>();
        double cleanMse = (fit - clean).square().mean().item<double>();
        // The first iterations include JIT/warm-up; the median is robust to them.
        times.Sort();
        return new SineFitResult(model.Name, targets.Count, times[times.Count / 2], run.LossHistory[0], noisy, cleanMse);
    }
}

using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Experiments.Sine;

/// <summary>
/// Trains a <see cref="ISineModel"/> with Adam on the MSE to a sequence of noisy targets (fresh noise each iteration,
/// as in the paper's §5.7), timing every iteration with the device synchronised.
/// </summary>
public static class SineFitTrainer
{
    public static SineFitResult Train(ISineModel model, IReadOnlyList<Tensor> targets, Tensor clean, double learningRate = 1e-2,
        Action<int, double>? progress = null)
    {
        var parameters = model.Parameters().ToList();
        var device = parameters[0].device;
        var dtype = parameters[0].dtype;
        var adam = optim.Adam(parameters, lr: learningRate);
        var times = new List<double>();
        double first = double.NaN, last = double.NaN;
        for (int i = 0; i < targets.Count; i++)
        {
            using var scope = NewDisposeScope();
            var target = targets[i].to(dtype, device);
            var sw = Stopwatch.StartNew();
            adam.zero_grad();
            var loss = (model.Predict() - target).square().mean();
            loss.backward();
            adam.step();
            if (device.type == DeviceType.CUDA) cuda.synchronize();
            times.Add(sw.Elapsed.TotalMilliseconds);
            last = loss.item<double>();
            if (i == 0) first = last;
            progress?.Invoke(i, last);
        }
        using var noGrad = no_grad();
        var fit = model.Predict().to(ScalarType.Float64).cpu();
        double noisy = (fit - targets[^1]).square().mean().item<double>();
        double cleanMse = (fit - clean).square().mean().item<double>();
        // The first iterations include JIT/warm-up; the median is robust to them.
        times.Sort();
        return new SineFitResult(model.Name, targets.Count, times[times.Count / 2], first, noisy, cleanMse);
    }
}

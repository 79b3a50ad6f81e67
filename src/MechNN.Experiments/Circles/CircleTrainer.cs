using System.Diagnostics;
using MechNN.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Experiments.Circles;

/// <summary>Result of training one classifier: accuracies in [0, 1], final training loss, wall time.</summary>
public sealed record CircleResult(string Model, int Epochs, double TrainAccuracy, double TestAccuracy, double FinalLoss, double Seconds);

/// <summary>Full-batch Adam on the mean squared error to the ±1 labels (the ANODE paper's setting), then accuracy.</summary>
public static class CircleTrainer
{
    /// <summary>Trains <paramref name="model"/> (moved to float64) for <c>options.Steps</c> full-batch steps, then measures it.</summary>
    public static CircleResult Train(CircleClassifier model, Tensor xTrain, Tensor yTrain, Tensor xTest, Tensor yTest,
        TrainingOptions options, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        model.to(ScalarType.Float64);
        var sw = Stopwatch.StartNew();
        var run = new Trainer(model, options).Fit(_ => (model.forward(xTrain) - yTrain).square().mean(), progress, cancellation);
        return new CircleResult(model.DisplayName, run.Steps, Accuracy(model, xTrain, yTrain), Accuracy(model, xTest, yTest), run.FinalLoss, sw.Elapsed.TotalSeconds);
    }

    /// <summary>The protocol's optimiser settings: full-batch Adam, learning rate 1e-2.</summary>
    public static TrainingOptions Protocol(int epochs) => new() { Steps = epochs, LearningRate = 1e-2 };

    /// <summary>The same metrics for a model as it stands (e.g. loaded from a file): no training, loss = train MSE now.</summary>
    public static CircleResult Evaluate(CircleClassifier model, Tensor xTrain, Tensor yTrain, Tensor xTest, Tensor yTest)
    {
        var sw = Stopwatch.StartNew();
        double loss;
        using (no_grad())
        using (NewDisposeScope())
            loss = (model.forward(xTrain) - yTrain).square().mean().item<double>();
        return new CircleResult(model.DisplayName, 0, Accuracy(model, xTrain, yTrain), Accuracy(model, xTest, yTest), loss, sw.Elapsed.TotalSeconds);
    }

    public static double Accuracy(CircleClassifier model, Tensor x, Tensor y)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        return model.forward(x).sign().eq(y).to_type(ScalarType.Float64).mean().item<double>();
    }
}

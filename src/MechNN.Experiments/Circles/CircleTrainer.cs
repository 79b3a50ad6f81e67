using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Experiments.Circles;

/// <summary>Result of training one classifier: accuracies in [0, 1], final training loss, wall time.</summary>
public sealed record CircleResult(string Model, int Epochs, double TrainAccuracy, double TestAccuracy, double FinalLoss, double Seconds);

/// <summary>Full-batch Adam on the mean squared error to the ±1 labels (the ANODE paper's setting), then accuracy.</summary>
public static class CircleTrainer
{
    public static CircleResult Train(CircleClassifier model, Tensor xTrain, Tensor yTrain, Tensor xTest, Tensor yTest,
        int epochs, double learningRate = 1e-2, Action<int, double>? progress = null)
    {
        model.to(ScalarType.Float64);
        var adam = optim.Adam(model.parameters(), lr: learningRate);
        var sw = Stopwatch.StartNew();
        double loss = double.NaN;
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            using var scope = NewDisposeScope();
            adam.zero_grad();
            var l = (model.forward(xTrain) - yTrain).square().mean();
            l.backward();
            adam.step();
            loss = l.item<double>();
            progress?.Invoke(epoch, loss);
        }
        return new CircleResult(model.DisplayName, epochs, Accuracy(model, xTrain, yTrain), Accuracy(model, xTest, yTest), loss, sw.Elapsed.TotalSeconds);
    }

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

using MechNN.Experiments.Circles;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MechNN.Tests.Experiments;

public class CirclesTests(ITestOutputHelper output)
{
    [Fact]
    public void TheDataHaveTheirRadii()
    {
        var (x, y) = NestedCircles.Generate(500, seed: 1);
        var r = x.norm(1);
        Assert.True(r.masked_select(y.lt(0)).max().item<double>() <= 0.5);
        var outer = r.masked_select(y.gt(0));
        Assert.True(outer.min().item<double>() >= 1 && outer.max().item<double>() <= 1.5);
        Assert.InRange(y.gt(0).to_type(ScalarType.Float64).mean().item<double>(), 0.4, 0.6);
    }

    /// <summary>Paper §5.2: the MNN separates nested circles without augmentation (tiny instance).</summary>
    [Fact]
    public void MnnSeparatesNestedCirclesWithoutAugmentation()
    {
        manual_seed(0);
        var (xTrain, yTrain) = NestedCircles.Generate(400, seed: 1);
        var (xTest, yTest) = NestedCircles.Generate(200, seed: 2);
        var result = CircleTrainer.Train(new MnnCircleClassifier(), xTrain, yTrain, xTest, yTest, CircleTrainer.Protocol(epochs: 150));
        output.WriteLine($"{result.Model}: train {result.TrainAccuracy:P1}, test {result.TestAccuracy:P1}, loss {result.FinalLoss:E2}, {result.Seconds:F1} s");
        Assert.True(result.TestAccuracy >= 0.99, $"test accuracy {result.TestAccuracy:P1}");
    }
}

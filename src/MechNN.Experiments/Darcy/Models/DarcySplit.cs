using static TorchSharp.torch;

namespace MechNN.Experiments.Darcy.Models;

/// <summary>
/// The fields a Darcy run sees, as float32 (N, s, s) tensors on one device: the training samples, the validation
/// samples held out from the end of the training set (model choices are made on these, never on the test set), and
/// the test samples.
/// </summary>
/// <param name="TrainA">Training coefficients.</param>
/// <param name="TrainU">Training solutions.</param>
/// <param name="ValidationA">Held-out coefficients (0 samples when none are held out).</param>
/// <param name="ValidationU">Held-out solutions.</param>
/// <param name="TestA">Test coefficients.</param>
/// <param name="TestU">Test solutions.</param>
public sealed record DarcySplit(Tensor TrainA, Tensor TrainU, Tensor ValidationA, Tensor ValidationU, Tensor TestA, Tensor TestU)
{
    /// <summary>Training samples after the hold-out.</summary>
    public int TrainCount => (int)TrainA.shape[0];

    /// <summary>Held-out samples.</summary>
    public int ValidationCount => (int)ValidationA.shape[0];

    /// <summary>Test samples.</summary>
    public int TestCount => (int)TestA.shape[0];

    /// <summary>Grid size s.</summary>
    public int GridSize => (int)TrainA.shape[^1];

    /// <summary>Splits off the last <paramref name="validation"/> training samples as the validation set.</summary>
    /// <param name="trainA">(N, s, s) training coefficients.</param>
    /// <param name="trainU">(N, s, s) training solutions.</param>
    /// <param name="testA">(M, s, s) test coefficients.</param>
    /// <param name="testU">(M, s, s) test solutions.</param>
    /// <param name="validation">Samples to hold out (0: none).</param>
    /// <param name="device">Where the tensors go.</param>
    /// <returns>The split, float32, on <paramref name="device"/>.</returns>
    /// <exception cref="ArgumentException">Shapes disagree, or fewer than 2 training or 1 test samples remain.</exception>
    public static DarcySplit Create(Tensor trainA, Tensor trainU, Tensor testA, Tensor testU, int validation = 0, Device? device = null)
    {
        foreach (var (name, t) in new[] { ("training a", trainA), ("training u", trainU), ("test a", testA), ("test u", testU) })
            if (t.dim() != 3 || t.shape[1] != t.shape[2] || t.shape[1] != trainA.shape[^1])
                throw new ArgumentException($"{name} has shape [{string.Join(", ", t.shape)}]; expected (N, s, s) on one s×s grid");
        if (trainA.shape[0] != trainU.shape[0] || testA.shape[0] != testU.shape[0])
            throw new ArgumentException($"a and u disagree in sample count (training {trainA.shape[0]} vs {trainU.shape[0]}, test {testA.shape[0]} vs {testU.shape[0]})");
        long n = trainA.shape[0];
        if (validation < 0 || n - validation < 2)
            throw new ArgumentException($"--validation {validation} leaves {n - validation} of {n} training samples; at least 2 must remain");
        if (testA.shape[0] < 1) throw new ArgumentException("the test set is empty");
        device ??= CPU;
        Tensor Put(Tensor t, long start, long count) => t.narrow(0, start, count).to_type(ScalarType.Float32).to(device).contiguous();
        long fit = n - validation;
        return new DarcySplit(Put(trainA, 0, fit), Put(trainU, 0, fit), Put(trainA, fit, validation), Put(trainU, fit, validation),
            Put(testA, 0, testA.shape[0]), Put(testU, 0, testU.shape[0]));
    }
}

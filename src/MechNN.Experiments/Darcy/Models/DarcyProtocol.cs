namespace MechNN.Experiments.Darcy.Models;

/// <summary>
/// The FNO benchmark's training protocol, shared by all three Darcy models: batch 20, Adam lr 1e-3 with weight decay
/// 1e-4, 500 epochs, the rate halved every 100 epochs (StepLR), relative L2 on decoded outputs.
/// </summary>
/// <param name="Epochs">Passes over the training set.</param>
/// <param name="BatchSize">Samples per step (an epoch's last incomplete batch is dropped, so every step sums the same number of samples).</param>
/// <param name="LearningRate">Adam's base rate.</param>
/// <param name="WeightDecay">Adam's L2 penalty.</param>
/// <param name="DecayEpochs">Epochs between learning-rate decays.</param>
/// <param name="Gamma">Learning-rate factor at each decay.</param>
/// <param name="ValidateEpochs">Epochs between evaluations of the monitored set (validation, or test when none is held out).</param>
/// <param name="Seed">Seeds the initial weights (by the caller) and the epoch orders.</param>
public sealed record DarcyProtocol(int Epochs = 500, int BatchSize = 20, double LearningRate = 1e-3, double WeightDecay = 1e-4, int DecayEpochs = 100,
    double Gamma = 0.5, int ValidateEpochs = 1, long Seed = 0)
{
    /// <summary>Checks the fields, naming the CLI option of the first that is out of range.</summary>
    /// <exception cref="ArgumentException">A field is out of range.</exception>
    public DarcyProtocol Validated()
    {
        if (Epochs < 1) throw new ArgumentException($"--epochs must be at least 1 (got {Epochs})");
        if (BatchSize < 1) throw new ArgumentException($"--batch must be at least 1 (got {BatchSize})");
        if (ValidateEpochs < 1) throw new ArgumentException($"--validate-every must be at least 1 epoch (got {ValidateEpochs})");
        if (DecayEpochs < 1) throw new ArgumentException($"the learning-rate decay interval must be at least 1 epoch (got {DecayEpochs})");
        return this;
    }
}

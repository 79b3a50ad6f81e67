namespace MechNN.Experiments.Sine;

/// <param name="MedianIterationMs">Median wall time of one training iteration (forward, backward, Adam step).</param>
/// <param name="FinalNoisyMse">MSE against the last iteration's noisy target.</param>
/// <param name="FinalCleanMse">MSE of the final fit against the noise-free signal.</param>
public sealed record SineFitResult(string Model, int Iterations, double MedianIterationMs, double FirstLoss, double FinalNoisyMse, double FinalCleanMse);

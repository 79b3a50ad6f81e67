namespace MechNN.Experiments.Darcy;

/// <summary>
/// What a Darcy data set was generated with (the recipe of anchors.md §3.3 with the paper's 12/3 threshold). The first
/// <see cref="Train"/> samples are for training, the next <see cref="Test"/> for testing; sample i is drawn from its own
/// random stream derived from (<see cref="Seed"/>, i), so the data do not depend on the number of threads.
/// </summary>
/// <param name="Train">Training samples (≥ 1).</param>
/// <param name="Test">Test samples (≥ 0).</param>
/// <param name="Resolution">The solve grid s (the benchmark: 421).</param>
/// <param name="Subsample">The stride r of the stored grid, dividing s − 1 (the benchmark: 5, giving 85×85).</param>
/// <param name="Seed">The random seed.</param>
public sealed record DarcyGenerationParameters(int Train, int Test, int Resolution = 421, int Subsample = 5, long Seed = 0)
{
    /// <summary>GRF smoothness exponent α.</summary>
    public double Alpha { get; init; } = 2;

    /// <summary>GRF inverse length scale τ.</summary>
    public double Tau { get; init; } = 3;

    /// <summary>The coefficient where the GRF is ≥ 0.</summary>
    public double High { get; init; } = 12;

    /// <summary>The coefficient where the GRF is &lt; 0.</summary>
    public double Low { get; init; } = 3;

    /// <summary>The CG stopping tolerance (relative residual).</summary>
    public double Tolerance { get; init; } = 1e-10;

    /// <summary>All samples, training then test.</summary>
    public int Count => Train + Test;

    /// <summary>The stored grid side, (s − 1)/r + 1.</summary>
    public int GridSize => (Resolution - 1) / Subsample + 1;

    /// <summary>Checks every parameter.</summary>
    /// <exception cref="ArgumentException">A parameter is out of range, naming it.</exception>
    public void Validate()
    {
        if (Train < 1) throw new ArgumentException($"Darcy: train must be ≥ 1, got {Train}.");
        if (Test < 0) throw new ArgumentException($"Darcy: test must be ≥ 0, got {Test}.");
        if ((long)Train + Test > int.MaxValue / 2) throw new ArgumentException($"Darcy: {Train} + {Test} samples is too many.");
        if (Resolution < 5) throw new ArgumentException($"Darcy: resolution must be ≥ 5, got {Resolution}.");
        if (Subsample < 1) throw new ArgumentException($"Darcy: subsample must be ≥ 1, got {Subsample}.");
        if ((Resolution - 1) % Subsample != 0)
            throw new ArgumentException($"Darcy: subsample {Subsample} does not divide resolution − 1 = {Resolution - 1}.");
        if (!(Alpha > 0) || !(Tau > 0)) throw new ArgumentException($"Darcy: α and τ must be positive, got {Alpha}, {Tau}.");
        if (!(Low > 0) || !(High > 0) || !double.IsFinite(Low) || !double.IsFinite(High))
            throw new ArgumentException($"Darcy: coefficients must be positive, got {High}/{Low}.");
        if (!(Tolerance > 0 && Tolerance < 1)) throw new ArgumentException($"Darcy: tolerance must be in (0, 1), got {Tolerance}.");
    }
}

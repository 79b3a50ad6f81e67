namespace MechNN.Discovery;

/// <summary>The denoiser an MNN discovery runs with: the network width and the noise estimate that chose it (the largest
/// over states, relative to each state's std; NaN when the width was given).</summary>
internal sealed record DenoiserChoice(int Width, double Noise)
{
    /// <summary>
    /// The automatic choice: no denoiser on clean data (a 128-wide network perturbed exact data by 1%, issue 14). On noisy
    /// data none either, for now: on Lorenz at 1–10% noise both a 128-wide network and Savitzky–Golay pre-smoothing of the
    /// discrepancy-principle window left spurious terms the plain fit does not (docs/results/discovery.md); the
    /// integral formulation already averages noise over each window, and without a network the cycles denoise v by the
    /// ODE itself (<see cref="MechanisticDiscoveryOptions.FeaturesFromSolution"/>).
    /// </summary>
    public static DenoiserChoice For(MechanisticDiscoveryOptions options, IReadOnlyList<double[][]> trajectories) =>
        options.DenoiserWidth != MechanisticDiscoveryOptions.Automatic
            ? new(options.DenoiserWidth, double.NaN)
            : new(0, NoiseEstimate.Relative(trajectories).Max());
}

namespace MechNN.Discovery;

/// <summary>Trajectories whose sample times are not one uniform step (the MNN methods solve on a fixed grid).</summary>
/// <param name="trajectory">Index of the offending trajectory.</param>
/// <param name="sample">Index of the sample whose step from the previous one differs.</param>
/// <param name="message">The one-line message.</param>
public sealed class NonUniformStepsException(int trajectory, int sample, string message) : ArgumentException(message)
{
    /// <summary>Index of the offending trajectory.</summary>
    public int Trajectory { get; } = trajectory;
    /// <summary>Index of the sample whose step from the previous one differs.</summary>
    public int Sample { get; } = sample;
}

/// <summary>The one time step shared by every sample of every trajectory.</summary>
internal static class UniformSteps
{
    /// <summary>The step of trajectory 0, checked against every step of every trajectory (to 1e-9 relative).</summary>
    /// <exception cref="ArgumentException">A trajectory with fewer than two samples, or times that do not match the samples.</exception>
    /// <exception cref="NonUniformStepsException">A step that differs.</exception>
    public static double Of(IReadOnlyList<(double[][] X, double[] T)> trajectories)
    {
        if (trajectories.Count == 0) throw new ArgumentException("At least one trajectory is needed.");
        for (int k = 0; k < trajectories.Count; k++)
        {
            if (trajectories[k].T.Length != trajectories[k].X.Length)
                throw new ArgumentException($"trajectory {k}: {trajectories[k].X.Length} samples but {trajectories[k].T.Length} times.");
            if (trajectories[k].T.Length < 2) throw new ArgumentException($"trajectory {k}: at least two samples are needed.");
        }
        var t0 = trajectories[0].T;
        double step = t0[1] - t0[0];
        if (!(step > 0)) throw new NonUniformStepsException(0, 1, $"trajectory 0: times must increase (t[1] − t[0] = {step:G6}).");
        for (int k = 0; k < trajectories.Count; k++)
        {
            var t = trajectories[k].T;
            for (int i = 1; i < t.Length; i++)
                if (Math.Abs(t[i] - t[i - 1] - step) > 1e-9 * Math.Max(1, step))
                    throw new NonUniformStepsException(k, i,
                        $"trajectory {k}, sample {i}: step {t[i] - t[i - 1]:G6} differs from {step:G6}; MNN discovery needs one uniform time step.");
        }
        return step;
    }
}

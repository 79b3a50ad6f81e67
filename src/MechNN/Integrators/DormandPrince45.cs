namespace MechNN.Integrators;

/// <summary>Thrown when an integration leaves the finite numbers or needs a step below machine resolution.</summary>
public sealed class IntegrationDivergedException(double time, string why)
    : ArithmeticException($"Integration diverged at t = {time:G6}: {why}.")
{
    /// <summary>The time the integration reached.</summary>
    public double Time { get; } = time;
}

/// <summary>
/// Thrown when an integration needs more steps than its budget allows. Not a divergence: the state is still finite; the
/// span is too long for the budget (or the tolerance too tight, or the problem too stiff for an explicit method).
/// </summary>
public sealed class IntegrationBudgetExceededException(double time, double end, string why)
    : ArithmeticException($"Integration stopped at t = {time:G6} of {end:G6}: {why}.")
{
    /// <summary>The time the integration reached.</summary>
    public double Time { get; } = time;
}

/// <summary>
/// Adaptive Dormand–Prince 5(4) for dy/dt = f(t, y) on plain arrays (data generation, simulating discovered models).
/// Steps are clipped to land on every requested output time, so outputs are step ends, not interpolants.
/// Error control as in common ODE suites: RMS of e_i / (atol + rtol·max(|y_i|, |y_new,i|)) ≤ 1.
/// </summary>
public sealed class DormandPrince45(double relativeTolerance = 1e-8, double absoluteTolerance = 1e-10, int maxSteps = DormandPrince45.DefaultMaxSteps)
{
    /// <summary>The default step budget of one integration: every output time costs at least one step.</summary>
    public const int DefaultMaxSteps = 10_000_000;

    private static readonly double[] C = { 0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1, 1 };
    private static readonly double[][] A =
    {
        Array.Empty<double>(),
        new[] { 1.0 / 5 },
        new[] { 3.0 / 40, 9.0 / 40 },
        new[] { 44.0 / 45, -56.0 / 15, 32.0 / 9 },
        new[] { 19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729 },
        new[] { 9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656 },
        new[] { 35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84 },
    };
    private static readonly double[] B5 = { 35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84, 0 };
    private static readonly double[] B4 = { 5179.0 / 57600, 0, 7571.0 / 16695, 393.0 / 640, -92097.0 / 339200, 187.0 / 2100, 1.0 / 40 };

    /// <summary>Integrates from y0 at times[0]; returns the state at every time (times[k], row k).</summary>
    public double[][] Integrate(Func<double, double[], double[]> f, double[] y0, IReadOnlyList<double> times)
    {
        if (times.Count < 1) throw new ArgumentException("At least one output time is needed.", nameof(times));
        for (int o = 1; o < times.Count; o++)
            if (!(times[o] > times[o - 1])) throw new ArgumentException($"Output times must increase (times[{o}] = {times[o]} ≤ times[{o - 1}]).", nameof(times));
        // Steps are clipped to land on every output time, so fewer steps than output intervals can never finish.
        if (times.Count - 1 > maxSteps)
            throw new IntegrationBudgetExceededException(times[0], times[^1],
                $"{times.Count - 1:N0} output intervals need at least as many steps, more than the budget of {maxSteps:N0}");
        int n = y0.Length;
        var result = new double[times.Count][];
        result[0] = (double[])y0.Clone();
        var y = (double[])y0.Clone();
        var k = new double[7][];
        double t = times[0];
        double h = InitialStep(f, t, y);
        int steps = 0;
        var trial = new double[n];
        for (int o = 1; o < times.Count; o++)
        {
            double target = times[o];
            while (t < target)
            {
                if (++steps > maxSteps)
                    throw new IntegrationBudgetExceededException(t, times[^1],
                        $"the budget of {maxSteps:N0} steps ran out (not a divergence: the state is finite; a shorter span, fewer output times or a looser tolerance needs fewer steps)");
                bool last = t + h >= target;
                double step = last ? target - t : h;
                k[0] = f(t, y);
                for (int s = 1; s < 7; s++)
                {
                    for (int i = 0; i < n; i++)
                    {
                        double acc = y[i];
                        for (int j = 0; j < s; j++) acc += step * A[s][j] * k[j][i];
                        trial[i] = acc;
                    }
                    k[s] = f(t + C[s] * step, trial);
                }
                // trial now holds the 5th-order solution (stage 7 is evaluated at it: FSAL).
                double err = 0;
                for (int i = 0; i < n; i++)
                {
                    double e = 0;
                    for (int s = 0; s < 7; s++) e += (B5[s] - B4[s]) * k[s][i];
                    double scale = absoluteTolerance + relativeTolerance * Math.Max(Math.Abs(y[i]), Math.Abs(trial[i]));
                    err += Math.Pow(step * e / scale, 2);
                }
                err = Math.Sqrt(err / n);
                if (double.IsNaN(err) || trial.Any(v => !double.IsFinite(v)))
                    throw new IntegrationDivergedException(t, "the state is no longer finite");
                if (err <= 1)
                {
                    t = last ? target : t + step;
                    Array.Copy(trial, y, n);
                }
                double factor = err == 0 ? 5 : Math.Clamp(0.9 * Math.Pow(err, -0.2), 0.2, 5);
                if (!last || err > 1) h = step * factor;
                if (h < 1e-14 * Math.Max(1, Math.Abs(t))) throw new IntegrationDivergedException(t, "the step size fell below machine resolution");
            }
            result[o] = (double[])y.Clone();
        }
        return result;
    }

    private double InitialStep(Func<double, double[], double[]> f, double t, double[] y)
    {
        var dy = f(t, y);
        double d0 = 0, d1 = 0;
        for (int i = 0; i < y.Length; i++)
        {
            double scale = absoluteTolerance + relativeTolerance * Math.Abs(y[i]);
            d0 += Math.Pow(y[i] / scale, 2);
            d1 += Math.Pow(dy[i] / scale, 2);
        }
        double h = d0 < 1e-10 || d1 < 1e-10 ? 1e-6 : 0.01 * Math.Sqrt(d0 / d1);
        return Math.Max(h, 1e-10);
    }
}

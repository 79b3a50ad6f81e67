using MechNN.Integrators;

namespace MechNN.Experiments.TwoBody;

/// <summary>
/// A model's forecast beyond the training data and its position RMS error against the truth:
/// √(mean over samples of ¼ Σ over the four position coordinates of (forecast − truth)²). A forecast whose dynamics
/// diverge has no states, an infinite error and the time it diverged at.
/// </summary>
/// <param name="Model">The model's name.</param>
/// <param name="States">The forecast states (8 per sample), empty if it diverged.</param>
/// <param name="Rmse">Position RMS error; +∞ if it diverged.</param>
/// <param name="DivergedAt">Forecast time of the divergence, or null.</param>
public sealed record TwoBodyForecast(string Model, double[][] States, double Rmse, double? DivergedAt)
{
    /// <summary>Positions per state: r₁ = (x, y), r₂ = (x, y); the velocities follow and are not scored.</summary>
    public const int Positions = 4;

    /// <summary>Runs a forecast and scores it against <paramref name="truth"/>; a divergence is a result, not an error.</summary>
    /// <param name="model">The model's name.</param>
    /// <param name="run">Produces the forecast states, one per truth sample; may throw <see cref="IntegrationDivergedException"/>.</param>
    /// <param name="truth">The true states at the same times.</param>
    /// <returns>The forecast and its error.</returns>
    /// <exception cref="ArgumentException">The forecast has a different number of samples than the truth.</exception>
    public static TwoBodyForecast Score(string model, Func<double[][]> run, IReadOnlyList<double[]> truth)
    {
        double[][] states;
        try { states = run(); }
        catch (IntegrationDivergedException ex) { return new TwoBodyForecast(model, Array.Empty<double[]>(), double.PositiveInfinity, ex.Time); }
        return new TwoBodyForecast(model, states, PositionRmse(states, truth), null);
    }

    /// <summary>Position RMS error of <paramref name="forecast"/> against <paramref name="truth"/>, sample by sample.</summary>
    /// <param name="forecast">Forecast states.</param>
    /// <param name="truth">True states, as many as <paramref name="forecast"/>.</param>
    /// <returns>The error.</returns>
    /// <exception cref="ArgumentException">The counts differ, or there are none.</exception>
    public static double PositionRmse(IReadOnlyList<double[]> forecast, IReadOnlyList<double[]> truth)
    {
        if (forecast.Count != truth.Count || forecast.Count == 0)
            throw new ArgumentException($"a forecast of {forecast.Count} samples cannot be scored against {truth.Count} true samples", nameof(forecast));
        double sum = 0;
        for (int i = 0; i < forecast.Count; i++)
        {
            double squares = 0;
            for (int k = 0; k < Positions; k++) squares += Math.Pow(forecast[i][k] - truth[i][k], 2);
            sum += squares / Positions;
        }
        return Math.Sqrt(sum / forecast.Count);
    }
}

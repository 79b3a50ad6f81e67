using System.Diagnostics;
using MechNN.Integrators;

namespace MechNN.Experiments.TwoBody;

/// <summary>
/// The paper's §5.4 protocol on one orbit: <see cref="Steps"/> samples (dt 0.05) to train on, then the next
/// <see cref="Steps"/> samples as the truth a model forecasts from the last training state.
/// </summary>
public sealed class TwoBodyProtocol
{
    /// <summary>Fewest training samples: the training windows are 50 steps long.</summary>
    public const int MinimumSteps = 100;

    /// <summary>Most training samples: the orbit of 2 × this many samples fits the integrator's step budget.</summary>
    public const int MaximumSteps = DormandPrince45.DefaultMaxSteps / 2;

    /// <summary>Generates the orbit of <paramref name="seed"/> (2 × <paramref name="steps"/> samples).</summary>
    /// <param name="seed">Seed of the initial state.</param>
    /// <param name="steps">Training samples; as many are forecast.</param>
    /// <exception cref="ArgumentException"><paramref name="steps"/> is below <see cref="MinimumSteps"/> or above <see cref="MaximumSteps"/>.</exception>
    public TwoBodyProtocol(long seed, int steps)
    {
        if (steps < MinimumSteps) throw new ArgumentException($"--steps must be ≥ {MinimumSteps} (got {steps})");
        // The orbit is one Dormand–Prince run over 2·steps output times, each costing at least one step.
        if (steps > MaximumSteps)
            throw new ArgumentException($"--steps must be ≤ {MaximumSteps:N0} (got {steps:N0}): its {2L * steps:N0} samples need at least as many integration steps, " +
                $"more than the generator's budget of {DormandPrince45.DefaultMaxSteps:N0}");
        var (all, step) = MassRatioTrainer.Generate(seed, steps * 2);
        Steps = steps;
        Step = step;
        Training = all.Take(steps).ToArray();
        Truth = all.Skip(steps - 1).Take(steps).ToArray();
        Times = Enumerable.Range(0, steps).Select(i => i * step).ToArray();
    }

    /// <summary>Training samples, and forecast samples (the first is the last training state).</summary>
    public int Steps { get; }

    /// <summary>Sample spacing.</summary>
    public double Step { get; }

    /// <summary>The training states.</summary>
    public double[][] Training { get; }

    /// <summary>The true states from the last training state on, one per forecast time.</summary>
    public double[][] Truth { get; }

    /// <summary>Forecast times, from 0 at the last training state.</summary>
    public double[] Times { get; }

    /// <summary>The MNN's forecast from the last training state with its learned dynamics, scored.</summary>
    /// <param name="model">The restricted MNN.</param>
    /// <returns>The scored forecast.</returns>
    public TwoBodyForecast Forecast(MassRatioModel model) =>
        TwoBodyForecast.Score("MNN", () => MassRatioTrainer.Forecast(model, Training[^1], Times), Truth);

    /// <summary>The Neural ODE baseline's forecast from the last training state, scored.</summary>
    /// <param name="model">The baseline.</param>
    /// <returns>The scored forecast.</returns>
    public TwoBodyForecast Forecast(NeuralOdeOrbitModel model) =>
        TwoBodyForecast.Score("Neural ODE", () => model.Forecast(Training[^1], Times), Truth);

    /// <summary>A model as it stands (e.g. loaded from a file): its ratios and its loss on the training windows, no training.</summary>
    /// <param name="model">The restricted MNN.</param>
    /// <returns>The result, with 0 iterations.</returns>
    public MassRatioResult Evaluate(MassRatioModel model)
    {
        var sw = Stopwatch.StartNew();
        var (rx, ry) = MassRatioTrainer.Ratios(model);
        return new MassRatioResult(rx, ry, MassRatioTrainer.WindowLoss(model, Training), 0, sw.Elapsed.TotalSeconds);
    }
}

using MechNN.IO.ModelFiles;

namespace MechNN.Experiments.F16;

/// <summary>
/// Which F-16 models a run trains, in what order, and which trained model is kept for saving: SONODE first (its final
/// loss per seed is the level the MNN models are timed to), then the others as named; the model kept is the first MNN
/// model named, from the seed with the lowest train MSE.
/// </summary>
public sealed class F16Plan
{
    /// <summary>The baseline every other model is timed against.</summary>
    public const string Reference = "sonode";

    private F16Plan(IReadOnlyList<string> models)
    {
        Models = models;
        Kept = models.FirstOrDefault(m => m != Reference);
    }

    /// <summary>The models to train per seed, <see cref="Reference"/> first.</summary>
    public IReadOnlyList<string> Models { get; }

    /// <summary>The model whose best seed <see cref="Best"/> keeps; null when only SONODE runs (it is not saved).</summary>
    public string? Kept { get; }

    /// <summary>The kept model from the best seed so far; null before one was offered.</summary>
    public ISavableModel? Best { get; private set; }

    /// <summary>Train MSE of <see cref="Best"/>; +∞ before one was offered.</summary>
    public double BestTrainMse { get; private set; } = double.PositiveInfinity;

    /// <summary>Parses a comma-separated list of model names (duplicates dropped).</summary>
    /// <param name="text">E.g. "network,sonode".</param>
    /// <param name="saving">Whether the run saves a model: then one of them must be an MNN model.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="ArgumentException">An unknown name, no name, or <paramref name="saving"/> with only SONODE.</exception>
    public static F16Plan Parse(string text, bool saving = false)
    {
        var names = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct().ToArray();
        foreach (var n in names)
            if (!VibrationModels.Names.Contains(n)) throw new ArgumentException($"--models: '{n}' is not a model (expected {string.Join(", ", VibrationModels.Names)})");
        if (names.Length == 0) throw new ArgumentException("--models: name at least one model.");
        var plan = new F16Plan(names.OrderBy(n => n == Reference ? 0 : 1).ToArray());
        if (saving && plan.Kept is null) throw new ArgumentException("--save writes an MNN model: name one in --models.");
        return plan;
    }

    /// <summary>Offers a trained model: kept if it is the <see cref="Kept"/> model and beats the best train MSE so far.</summary>
    /// <param name="name">Its name in <see cref="Models"/>.</param>
    /// <param name="model">The trained model.</param>
    /// <param name="result">Its result on the protocol.</param>
    public void Offer(string name, IVibrationModel model, VibrationResult result)
    {
        if (name == Kept && model is ISavableModel savable && result.TrainMse < BestTrainMse)
        {
            Best = savable;
            BestTrainMse = result.TrainMse;
        }
    }
}

using MechNN.IO.ModelFiles;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MechNN.Training;

/// <summary>
/// A run's full state as a <see cref="ModelFile"/> of kind <see cref="Kind"/> (the one model-file format): parameters
/// by position, Adam's first and second moments and step counts, torch's CPU generator, the loss history and the
/// early-stopping bookkeeping, the validation history and the training time so far. Written atomically, so a run killed while writing keeps the previous checkpoint.
/// </summary>
internal static class TrainingCheckpoint
{
    public const string Kind = "training-checkpoint";

    public static void Save(string path, TrainingState state, IReadOnlyList<Parameter> parameters, Adam adam, double seconds)
    {
        var hyper = new Dictionary<string, double>
        {
            ["step"] = state.Step,
            ["parameters"] = parameters.Count,
            ["stopped"] = state.Stopped ? 1 : 0,
            ["checks-without-improvement"] = state.ChecksWithoutImprovement,
            ["seconds"] = seconds,
        };
        if (state.Best is { } best) hyper["best"] = best;
        if (state.Validation is { } validation && double.IsFinite(validation)) hyper["validation"] = validation;
        var tensors = new List<StoredTensor>();
        var moments = AdamStates(adam);
        for (int i = 0; i < parameters.Count; i++)
        {
            tensors.Add(Store($"param/{i}", parameters[i]));
            tensors.Add(Store($"adam/{i}/exp_avg", moments[i].exp_avg));
            tensors.Add(Store($"adam/{i}/exp_avg_sq", moments[i].exp_avg_sq));
            hyper[$"adam/{i}/step"] = moments[i].step;
        }
        tensors.Add(new StoredTensor("loss-history", new long[] { state.History.Count }, state.History.ToArray()));
        tensors.Add(new StoredTensor("validation-history", new long[] { state.ValidationHistory.Count, 2 },
            state.ValidationHistory.SelectMany(v => new[] { v.Step, v.Value }).ToArray()));
        using (var rng = torch.random.get_rng_state())
            tensors.Add(new StoredTensor("rng", rng.shape, rng.data<byte>().Select(b => (double)b).ToArray()));
        new ModelFile(Kind, hyper, tensors).Save(path);
    }

    public static TrainingState Restore(string path, IReadOnlyList<Parameter> parameters, Adam adam, bool restoreRandomState = true)
    {
        var file = ModelFile.Load(path).Expect(Kind);
        int count = file.HyperInt("parameters");
        if (count != parameters.Count)
            throw new ModelFileException($"{path}: checkpoint of a model with {count} parameter tensors, this model has {parameters.Count}");
        var stored = file.Parameters.ToDictionary(p => p.Name);
        StoredTensor Get(string name) => stored.TryGetValue(name, out var t) ? t : throw new ModelFileException($"{path}: checkpoint lacks '{name}'");
        var moments = AdamStates(adam);
        // Check every shape before changing anything, so a mismatched file leaves the model as it was.
        for (int i = 0; i < count; i++)
            foreach (var name in new[] { $"param/{i}", $"adam/{i}/exp_avg", $"adam/{i}/exp_avg_sq" })
                if (!Get(name).Shape.SequenceEqual(parameters[i].shape))
                    throw new ModelFileException($"{path}: '{name}' has shape [{string.Join(", ", Get(name).Shape)}], the model's parameter {i} is [{string.Join(", ", parameters[i].shape)}]");
        using (no_grad())
            for (int i = 0; i < count; i++)
            {
                Load(Get($"param/{i}"), parameters[i]);
                Load(Get($"adam/{i}/exp_avg"), moments[i].exp_avg);
                Load(Get($"adam/{i}/exp_avg_sq"), moments[i].exp_avg_sq);
                moments[i].step = file.HyperInt($"adam/{i}/step", min: 0);
            }
        var rng = Get("rng");
        if (restoreRandomState)
            using (var bytes = tensor(rng.Values.Select(v => (byte)v).ToArray(), dtype: ScalarType.Byte))
                torch.random.set_rng_state(bytes);
        var state = new TrainingState
        {
            Step = file.HyperInt("step", min: 0),
            History = Get("loss-history").Values.ToList(),
            Stopped = file.Hyper("stopped") != 0,
            ChecksWithoutImprovement = file.HyperInt("checks-without-improvement", min: 0),
        };
        if (file.HyperParameters.TryGetValue("best", out var best)) state.Best = best;
        if (file.HyperParameters.TryGetValue("validation", out var validation)) state.Validation = validation;
        // Checkpoints written before these two were recorded resume with an empty validation history and no earlier time.
        if (file.HyperParameters.TryGetValue("seconds", out var seconds)) state.EarlierSeconds = seconds;
        if (stored.TryGetValue("validation-history", out var history))
            for (int i = 0; i + 1 < history.Values.Length; i += 2) state.ValidationHistory.Add(((int)history.Values[i], history.Values[i + 1]));
        return state;
    }

    private static IReadOnlyList<Adam.State> AdamStates(Adam adam) =>
        adam.state_dict().State.Select(s => s as Adam.State
            ?? throw new InvalidOperationException("checkpoints hold Adam's state; the optimiser is another kind")).ToList();

    private static StoredTensor Store(string name, Tensor t)
    {
        using var scope = NewDisposeScope();
        return new StoredTensor(name, t.shape, t.detach().cpu().to_type(ScalarType.Float64).contiguous().data<double>().ToArray());
    }

    private static void Load(StoredTensor stored, Tensor target)
    {
        using var value = tensor(stored.Values, dtype: ScalarType.Float64).reshape(stored.Shape);
        target.copy_(value.to_type(target.dtype).to(target.device));
    }
}

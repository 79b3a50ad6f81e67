using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.IO.ModelFiles;

/// <summary>Copies a module's named parameters into a <see cref="ModelFile"/> and back, checking names and shapes.</summary>
public static class ModuleState
{
    /// <summary>A model file of <paramref name="kind"/> holding every named parameter of <paramref name="module"/> (as float64).</summary>
    /// <param name="kind">The model kind its Load expects.</param>
    /// <param name="hyperParameters">What is needed to rebuild the module.</param>
    /// <param name="module">The module.</param>
    /// <returns>The file's content.</returns>
    public static ModelFile Capture(string kind, IReadOnlyDictionary<string, double> hyperParameters, nn.Module module) =>
        new(kind, hyperParameters, module.named_parameters().Select(p =>
        {
            using var scope = NewDisposeScope();
            var values = p.parameter.detach().cpu().to_type(ScalarType.Float64).contiguous().data<double>().ToArray();
            return new StoredTensor(p.name, p.parameter.shape, values);
        }).ToList());

    /// <summary>
    /// Overwrites every parameter of <paramref name="module"/> with the stored one of the same name; a missing, extra or
    /// differently shaped parameter is a <see cref="ModelFileException"/> naming it, and then nothing has been changed.
    /// </summary>
    public static void Restore(ModelFile file, nn.Module module)
    {
        var stored = file.Parameters.ToDictionary(p => p.Name);
        var target = module.named_parameters().ToList();
        foreach (var (name, parameter) in target)
        {
            if (!stored.TryGetValue(name, out var s))
                throw new ModelFileException($"{file.Source}: '{file.Kind}' model file lacks the parameter '{name}'");
            if (!s.Shape.SequenceEqual(parameter.shape))
                throw new ModelFileException($"{file.Source}: parameter '{name}' has shape [{string.Join(", ", s.Shape)}], the model expects [{string.Join(", ", parameter.shape)}]");
        }
        var extra = stored.Keys.Except(target.Select(t => t.name)).ToList();
        if (extra.Count > 0) throw new ModelFileException($"{file.Source}: parameter '{extra[0]}' is not part of a '{file.Kind}' model");
        using var noGrad = no_grad();
        foreach (var (name, parameter) in target)
        {
            var s = stored[name];
            using var value = tensor(s.Values, dtype: ScalarType.Float64).reshape(s.Shape);
            parameter.copy_(value.to_type(parameter.dtype).to(parameter.device));
        }
    }
}

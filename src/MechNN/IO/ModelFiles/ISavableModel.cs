namespace MechNN.IO.ModelFiles;

/// <summary>A trained model that can write itself as a <see cref="ModelFile"/>; each kind has a matching static Load.</summary>
public interface ISavableModel
{
    /// <summary>The model's kind, hyper-parameters and parameters as a model file in memory.</summary>
    /// <returns>The file's content.</returns>
    ModelFile Capture();
}

/// <summary>Saving for every <see cref="ISavableModel"/>.</summary>
public static class SavableModelExtensions
{
    /// <summary>Atomic: the file at <paramref name="path"/> is either the previous one or the complete new one.</summary>
    public static void Save(this ISavableModel model, string path) => model.Capture().Save(path);
}

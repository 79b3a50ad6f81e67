using MechNN.IO.ModelFiles;

namespace MechNN.Experiments.F16;

/// <summary>The F-16 models by their command-line names, and saved MNN models by the kind in their header.</summary>
public static class VibrationModels
{
    public static readonly IReadOnlyList<string> Names = new[] { "sonode", "linear", "network" };

    /// <param name="halfWidth">Forcing window a1[t−k..t+k] of the network model.</param>
    /// <param name="hidden">Hidden width of the network model.</param>
    public static IVibrationModel Create(string name, long seed, int halfWidth = NetworkVibrationModel.DefaultHalfWidth, int hidden = NetworkVibrationModel.DefaultHidden) => name switch
    {
        "sonode" => new SonodeVibrationModel(seed),
        "linear" => new MnnVibrationModel(seed),
        "network" => new NetworkVibrationModel(seed, halfWidth, hidden),
        _ => throw new ArgumentException($"F-16 model '{name}' is not known (expected {string.Join(", ", Names)})"),
    };

    public static IVibrationModel Load(string path)
    {
        var file = ModelFile.Load(path).Expect(MnnVibrationModel.Kind, NetworkVibrationModel.Kind);
        return file.Kind == MnnVibrationModel.Kind ? MnnVibrationModel.Load(file) : NetworkVibrationModel.Load(file);
    }
}

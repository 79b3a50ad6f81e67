using MechNN.IO.ModelFiles;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Experiments.Darcy.Models;

/// <summary>
/// A Darcy-flow operator a ↦ u on an s×s grid: the input normaliser, the grid channels (a, x, y) with x, y =
/// linspace(0, 1, s) along the first and second spatial axes (as the FNO benchmark), a network that maps the (N, 3, s, s)
/// features to a standardised (N, 1, s, s) field, and the output normaliser that decodes it. <see cref="forward"/>
/// takes raw a (N, s, s) and returns u (N, s, s) in physical units, so the loss is computed on decoded outputs.
/// </summary>
public abstract class DarcyModel : nn.Module<Tensor, Tensor>, ISavableModel
{
    /// <summary>Prefixes of the normaliser statistics in a model file.</summary>
    protected const string InputPrefix = "normalizer.a", OutputPrefix = "normalizer.u";

    /// <summary>The base of a model with the given normalisers.</summary>
    /// <param name="name">Module name.</param>
    /// <param name="input">Normaliser of a, fitted on the training set.</param>
    /// <param name="output">Normaliser of u, fitted on the training set.</param>
    protected DarcyModel(string name, UnitGaussianNormalizer input, UnitGaussianNormalizer output) : base(name)
    {
        if (!input.Mean.shape.SequenceEqual(output.Mean.shape))
            throw new ArgumentException($"the a and u normalisers are fitted on different grids ([{string.Join(", ", input.Mean.shape)}] vs [{string.Join(", ", output.Mean.shape)}])");
        InputNormalizer = input;
        OutputNormalizer = output;
    }

    /// <summary>The model kind written in a model file's header.</summary>
    public abstract string Kind { get; }

    /// <summary>Human-readable name for tables and progress bars.</summary>
    public abstract string DisplayName { get; }

    /// <summary>Normaliser of the coefficient field a.</summary>
    public UnitGaussianNormalizer InputNormalizer { get; }

    /// <summary>Normaliser of the solution u.</summary>
    public UnitGaussianNormalizer OutputNormalizer { get; }

    /// <summary>The grid size s the normalisers were fitted on (the only size the model accepts).</summary>
    public long GridSize => InputNormalizer.Mean.shape[^1];

    /// <summary>The hyper-parameters that rebuild the network.</summary>
    protected abstract IReadOnlyDictionary<string, double> HyperParameters { get; }

    /// <summary>Standardised features (N, 3, s, s) → standardised solution (N, 1, s, s).</summary>
    /// <param name="features">Encoded a and the two grid coordinates.</param>
    /// <returns>The encoded prediction.</returns>
    protected abstract Tensor Network(Tensor features);

    /// <summary>Predicts u from a.</summary>
    /// <param name="a">(N, s, s) coefficient fields, raw.</param>
    /// <returns>(N, s, s) solutions, decoded.</returns>
    /// <exception cref="ArgumentException">a is not (N, s, s) on the model's grid.</exception>
    public override Tensor forward(Tensor a)
    {
        if (a.dim() != 3 || a.shape[1] != GridSize || a.shape[2] != GridSize)
            throw new ArgumentException($"a has shape [{string.Join(", ", a.shape)}]; this model expects (N, {GridSize}, {GridSize})");
        long n = a.shape[0], s = GridSize;
        var grid = linspace(0, 1, s, dtype: ScalarType.Float32, device: a.device);
        var x = grid.reshape(1, 1, s, 1).expand(n, 1, s, s);
        var y = grid.reshape(1, 1, 1, s).expand(n, 1, s, s);
        var features = cat(new[] { InputNormalizer.Encode(a.to_type(ScalarType.Float32)).unsqueeze(1), x, y }, 1);
        return OutputNormalizer.Decode(Network(features).squeeze(1));
    }

    /// <summary>Moves the network and the normalisers to <paramref name="device"/>.</summary>
    /// <param name="device">Target device.</param>
    /// <returns>This model.</returns>
    public DarcyModel MoveTo(Device device)
    {
        this.to(device);
        InputNormalizer.To(device);
        OutputNormalizer.To(device);
        return this;
    }

    /// <summary>The network's parameters and both normalisers' statistics, with the hyper-parameters in the header.</summary>
    /// <returns>The model file.</returns>
    public ModelFile Capture()
    {
        var network = ModuleState.Capture(Kind, HyperParameters, this);
        return network with { Parameters = network.Parameters.Concat(InputNormalizer.Store(InputPrefix)).Concat(OutputNormalizer.Store(OutputPrefix)).ToList() };
    }

    /// <summary>Reads both normalisers from <paramref name="file"/>.</summary>
    /// <param name="file">The model file.</param>
    /// <returns>The a and u normalisers.</returns>
    protected static (UnitGaussianNormalizer Input, UnitGaussianNormalizer Output) Normalizers(ModelFile file) =>
        (UnitGaussianNormalizer.Restore(file, InputPrefix), UnitGaussianNormalizer.Restore(file, OutputPrefix));

    /// <summary>Overwrites the network's parameters with those of <paramref name="file"/> (the normaliser entries aside).</summary>
    /// <param name="file">The model file.</param>
    /// <param name="model">The freshly built model.</param>
    protected static void RestoreNetwork(ModelFile file, DarcyModel model) =>
        ModuleState.Restore(file with { Parameters = file.Parameters.Where(p => !p.Name.StartsWith("normalizer.")).ToList() }, model);

    /// <summary>Rebuilds any saved Darcy model (FNO, MNN or ablation) from its file.</summary>
    /// <param name="file">The model file.</param>
    /// <returns>The model, on the CPU.</returns>
    /// <exception cref="ModelFileException">Not a Darcy model, or a corrupt one.</exception>
    public static DarcyModel Load(ModelFile file) => file.Kind switch
    {
        FourierNeuralOperator.KindName => FourierNeuralOperator.Load(file),
        MechanisticDarcyNetwork.KindName or MechanisticDarcyNetwork.AblationKindName => MechanisticDarcyNetwork.Load(file),
        _ => throw new ModelFileException($"{file.Source}: holds a '{file.Kind}' model, expected '{FourierNeuralOperator.KindName}', " +
            $"'{MechanisticDarcyNetwork.KindName}' or '{MechanisticDarcyNetwork.AblationKindName}'"),
    };
}

using MechNN.IO.ModelFiles;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MechNN.Experiments.Darcy.Models;

/// <summary>
/// The FNO baseline (Li et al. 2021, the neuraloperator repository's <c>FNO2d</c> in its updated form that the MNN paper
/// compares against): a 1×1 lifting of (a, x, y) to <c>width</c> channels, zero padding of <c>padding</c> cells on the
/// right and bottom (the solution is not periodic), four Fourier layers (spectral convolution + 1×1 convolution, GELU
/// between them but not after the last), the padding cropped, and a projection width → 128 → 1 with GELU.
/// Written from the paper and the published architecture description; initialisation as the reference (PyTorch's
/// defaults for the 1×1 layers, uniform [0, 1/(in·out)) for the spectral weights).
/// </summary>
public sealed class FourierNeuralOperator : DarcyModel
{
    /// <summary>Model-file kind.</summary>
    public const string KindName = "darcy-fno";

    private readonly Conv2d _lift;
    private readonly ModuleList<SpectralConvolution2d> _spectral;
    private readonly ModuleList<Conv2d> _pointwise;
    private readonly Conv2d _hidden, _project;

    /// <summary>An FNO with the benchmark's defaults unless told otherwise.</summary>
    /// <param name="input">Normaliser of a.</param>
    /// <param name="output">Normaliser of u.</param>
    /// <param name="width">Channels of the Fourier layers (32).</param>
    /// <param name="modes">Fourier modes kept each way per corner (12).</param>
    /// <param name="layers">Fourier layers (4).</param>
    /// <param name="padding">Zero padding on the right and bottom (9).</param>
    /// <param name="projection">Hidden width of the output projection (128).</param>
    /// <exception cref="ArgumentException">A size out of range.</exception>
    public FourierNeuralOperator(UnitGaussianNormalizer input, UnitGaussianNormalizer output, int width = 32, int modes = 12, int layers = 4,
        int padding = 9, int projection = 128) : base(nameof(FourierNeuralOperator), input, output)
    {
        if (width < 1 || modes < 1 || layers < 1 || padding < 0 || projection < 1)
            throw new ArgumentException($"FNO sizes out of range (width {width}, modes {modes}, layers {layers}, padding {padding}, projection {projection})");
        if (GridSize + padding < 2 * modes || (GridSize + padding) / 2 + 1 < modes)
            throw new ArgumentException($"--modes {modes} needs a padded grid of at least {2 * modes} points; the data give {GridSize} + {padding}");
        Width = width; Modes = modes; Layers = layers; Padding = padding; Projection = projection;
        _lift = nn.Conv2d(3, width, 1);
        _spectral = new ModuleList<SpectralConvolution2d>(Enumerable.Range(0, layers).Select(_ => new SpectralConvolution2d(width, width, modes, modes)).ToArray());
        _pointwise = new ModuleList<Conv2d>(Enumerable.Range(0, layers).Select(_ => nn.Conv2d(width, width, 1)).ToArray());
        _hidden = nn.Conv2d(width, projection, 1);
        _project = nn.Conv2d(projection, 1, 1);
        RegisterComponents();
    }

    /// <summary>Channels of the Fourier layers.</summary>
    public int Width { get; }

    /// <summary>Modes kept each way.</summary>
    public int Modes { get; }

    /// <summary>Number of Fourier layers.</summary>
    public int Layers { get; }

    /// <summary>Zero padding added before the Fourier layers.</summary>
    public int Padding { get; }

    /// <summary>Hidden width of the projection.</summary>
    public int Projection { get; }

    /// <summary>The spectral convolution of layer <paramref name="layer"/> (for tests).</summary>
    /// <param name="layer">Layer index.</param>
    /// <returns>The layer's spectral convolution.</returns>
    public SpectralConvolution2d Spectral(int layer) => _spectral[layer];

    /// <inheritdoc/>
    public override string Kind => KindName;

    /// <inheritdoc/>
    public override string DisplayName => $"FNO (width {Width}, {Modes} modes)";

    /// <inheritdoc/>
    protected override IReadOnlyDictionary<string, double> HyperParameters => new Dictionary<string, double>
    {
        ["width"] = Width, ["modes"] = Modes, ["layers"] = Layers, ["padding"] = Padding, ["projection"] = Projection, ["grid"] = GridSize,
    };

    /// <inheritdoc/>
    protected override Tensor Network(Tensor features)
    {
        long s1 = features.shape[2], s2 = features.shape[3];
        var h = _lift.forward(features);
        if (Padding > 0) h = nn.functional.pad(h, new long[] { 0, Padding, 0, Padding });
        for (int i = 0; i < Layers; i++)
        {
            h = _spectral[i].forward(h) + _pointwise[i].forward(h);
            if (i < Layers - 1) h = nn.functional.gelu(h);
        }
        h = h.narrow(2, 0, s1).narrow(3, 0, s2);
        return _project.forward(nn.functional.gelu(_hidden.forward(h)));
    }

    /// <summary>Rebuilds a saved FNO: architecture from the header, then the weights and normalisers.</summary>
    /// <param name="file">The model file.</param>
    /// <returns>The model, on the CPU.</returns>
    /// <exception cref="ModelFileException">Another kind, or a corrupt file.</exception>
    public static new FourierNeuralOperator Load(ModelFile file)
    {
        file.Expect(KindName);
        var (input, output) = Normalizers(file);
        var model = new FourierNeuralOperator(input, output, file.HyperInt("width"), file.HyperInt("modes"), file.HyperInt("layers"),
            file.HyperInt("padding", 0), file.HyperInt("projection"));
        RestoreNetwork(file, model);
        return model;
    }
}

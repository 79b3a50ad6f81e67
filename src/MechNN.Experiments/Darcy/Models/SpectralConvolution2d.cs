using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MechNN.Experiments.Darcy.Models;

/// <summary>
/// The Fourier layer's kernel: rfft2 of the input, a learned complex channel mix on the lowest m₁×m₂ modes of the two
/// corner blocks of the half spectrum (frequencies k₁ ∈ [0, m₁) and k₁ ∈ [H − m₁, H), k₂ ∈ [0, m₂)), every other mode
/// zero, then irfft2 back to H×W. The complex weights are stored as real (in, out, m₁, m₂, 2) tensors (real, imaginary)
/// so a model file holds them as plain numbers; they start uniform in [0, 1/(in·out)) in both parts, as the reference.
/// </summary>
public sealed class SpectralConvolution2d : nn.Module<Tensor, Tensor>
{
    /// <summary>Weights of the low-k₁ corner, (in, out, m₁, m₂, 2).</summary>
    public Parameter Low { get; }

    /// <summary>Weights of the high-k₁ (negative-frequency) corner, (in, out, m₁, m₂, 2).</summary>
    public Parameter High { get; }

    /// <summary>Modes kept along the first spatial axis.</summary>
    public int Modes1 { get; }

    /// <summary>Modes kept along the second spatial axis.</summary>
    public int Modes2 { get; }

    /// <summary>A layer from <paramref name="inChannels"/> to <paramref name="outChannels"/> channels keeping m₁×m₂ modes per corner.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="modes1">m₁ ≥ 1.</param>
    /// <param name="modes2">m₂ ≥ 1.</param>
    /// <exception cref="ArgumentException">A size below 1.</exception>
    public SpectralConvolution2d(int inChannels, int outChannels, int modes1, int modes2) : base(nameof(SpectralConvolution2d))
    {
        if (inChannels < 1 || outChannels < 1 || modes1 < 1 || modes2 < 1)
            throw new ArgumentException($"spectral convolution sizes must be ≥ 1 (channels {inChannels}→{outChannels}, modes {modes1}×{modes2})");
        Modes1 = modes1;
        Modes2 = modes2;
        double scale = 1.0 / (inChannels * outChannels);
        var shape = new long[] { inChannels, outChannels, modes1, modes2, 2 };
        Low = nn.Parameter(rand(shape) * scale);
        High = nn.Parameter(rand(shape) * scale);
        RegisterComponents();
    }

    /// <summary>Applies the truncated spectral operator.</summary>
    /// <param name="x">(N, in, H, W) real input with H ≥ 2m₁ and W/2 + 1 ≥ m₂.</param>
    /// <returns>(N, out, H, W).</returns>
    /// <exception cref="ArgumentException">The grid is too small for the modes.</exception>
    public override Tensor forward(Tensor x)
    {
        long n = x.shape[0], h = x.shape[2], w = x.shape[3], half = w / 2 + 1, outChannels = Low.shape[1];
        if (h < 2 * Modes1 || half < Modes2)
            throw new ArgumentException($"a {h}×{w} grid is too small for {Modes1}×{Modes2} Fourier modes (needs H ≥ {2 * Modes1} and W/2 + 1 ≥ {Modes2})");
        var spectrum = fft.rfft2(x);
        var kept = spectrum.narrow(3, 0, Modes2);
        var low = einsum("bixy,ioxy->boxy", kept.narrow(2, 0, Modes1), view_as_complex(Low));
        var high = einsum("bixy,ioxy->boxy", kept.narrow(2, h - Modes1, Modes1), view_as_complex(High));
        var options = (dtype: low.dtype, device: low.device);
        var column = cat(new[] { low, zeros(new long[] { n, outChannels, h - 2 * Modes1, Modes2 }, options.dtype, options.device), high }, 2);
        var full = cat(new[] { column, zeros(new long[] { n, outChannels, h, half - Modes2 }, options.dtype, options.device) }, 3);
        return fft.irfft2(full, new long[] { h, w });
    }
}

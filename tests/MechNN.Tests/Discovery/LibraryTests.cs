using MechNN.Discovery;
using MechNN.Discovery.Libraries;
using MechNN.Discovery.Sindy;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Tests.Discovery;

public class LibraryTests
{
    private static readonly ICandidateLibrary Mixed = new ConcatLibrary(new PolynomialLibrary(2, 1), new FourierLibrary(2, 2),
        new CustomLibrary(2, new[] { new CandidateFunction(Math.Exp, t => t.exp(), x => $"exp({x})") }));

    [Fact]
    public void ConcatenatedLibrariesNameAndEvaluateConsistentlyOnArraysAndTensors()
    {
        Assert.Equal(new[] { "1", "x0", "x1", "sin(1 x0)", "cos(1 x0)", "sin(1 x1)", "cos(1 x1)", "sin(2 x0)", "cos(2 x0)", "sin(2 x1)", "cos(2 x1)", "exp(x0)", "exp(x1)" },
            Mixed.FeatureNames(new[] { "x0", "x1" }));
        var state = new[] { 0.3, -1.2 };
        var scalar = Mixed.Evaluate(state);
        Assert.Equal(Math.Cos(2 * -1.2), scalar[10], 15);
        var batched = Mixed.Evaluate(tensor(state, dtype: ScalarType.Float64).reshape(1, 1, 2));
        Assert.Equal(new long[] { 1, 1, 13 }, batched.shape);
        for (int f = 0; f < scalar.Length; f++) Assert.Equal(scalar[f], batched[0, 0, f].item<double>(), 14);
    }

    [Fact]
    public void SindyFindsASineForcingWithAFourierTerm()
    {
        // x' = −x + 2 sin(y), y' = 1 (y is time): polynomial + Fourier library recovers both.
        var t = Enumerable.Range(0, 2000).Select(i => i * 0.005).ToArray();
        var x = t.Select(s => new[] { XExact(s), s }).ToArray();
        var model = new SindyModel(new ConcatLibrary(new PolynomialLibrary(2, 1), new FourierLibrary(2, 1)), new Stlsq(0.1)).Fit(x, t);
        Assert.Equal(new[] { "(x0)' = -1.000 x0 +  2.000 sin(1 x1)", "(x1)' =  1.000 1" }, model.Equations());
    }

    // x' = −x + 2 sin t, x(0) = 0 → x = sin t − cos t + e^{−t}.
    private static double XExact(double s) => Math.Sin(s) - Math.Cos(s) + Math.Exp(-s);

    [Fact]
    public void LibrarySpecsRoundTripThroughTheirText()
    {
        var spec = LibrarySpec.Parse("poly:2+fourier:3", 2);
        Assert.Equal(6 + 12, spec.Build().FeatureNames(new[] { "a", "b" }).Count);
        Assert.Throws<ArgumentException>(() => LibrarySpec.Parse("spline:2", 2));
    }

    [Theory]
    [InlineData("poly:2:bogus", "--library 'poly:2:bogus': unknown flag 'bogus' (accepted: nobias, interaction)")]
    [InlineData("poly:2:nobias:Interaction", "--library 'poly:2:nobias:Interaction': unknown flag 'Interaction' (accepted: nobias, interaction)")]
    [InlineData("fourier:1:nobias", "--library 'fourier:1:nobias': unknown flag 'nobias' (it takes no flags)")]
    [InlineData("poly:1+poly:2:", "--library 'poly:2:': unknown flag '' (accepted: nobias, interaction)")]
    public void An_unknown_library_flag_is_named_with_the_accepted_ones(string text, string expected)
    {
        Assert.Equal(expected, Assert.Throws<ArgumentException>(() => LibrarySpec.Parse(text, 2)).Message);
    }

    [Fact]
    public void Known_library_flags_still_parse()
    {
        var spec = LibrarySpec.Parse("poly:2:nobias:interaction", 2);
        Assert.False(spec.IncludeBias);
        Assert.True(spec.InteractionOnly);
    }
}

using MechNN.Experiments.Darcy;

namespace MechNN.Tests.Experiments.Darcy;

public class GaussianRandomFieldTests
{
    [Fact]
    public void CosineMatrixIsTheOrthonormalDctII()
    {
        const int n = 7;
        var c = CosineTransform.Matrix(n);
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
            {
                var dot = Enumerable.Range(0, n).Sum(m => c[i * n + m] * c[j * n + m]);
                Assert.Equal(i == j ? 1.0 : 0.0, dot, 12);
            }
        // DCT-II of a constant is √n in mode 0 only.
        var forward = Enumerable.Range(0, n).Select(k => Enumerable.Range(0, n).Sum(m => c[k * n + m])).ToArray();
        Assert.Equal(Math.Sqrt(n), forward[0], 12);
        for (var k = 1; k < n; k++) Assert.Equal(0.0, forward[k], 12);
    }

    [Fact]
    public void CoefficientVariancesFollowTheSpectrumAndTheMeanModeIsZero()
    {
        const int s = 12, samples = 1500;
        const double alpha = 2, tau = 3;
        var field = new GaussianRandomField(s, alpha, tau);
        var forward = new SquareTransform(CosineTransform.Matrix(s), s);
        var sumSquares = new double[s * s];
        var u = new double[s * s];
        var x = new double[s * s];
        var scratch = new double[2 * s * s];
        var random = new Random(11);
        for (var n = 0; n < samples; n++)
        {
            field.Sample(random, u, scratch);
            forward.Apply(u, x, scratch); // back to cosine coefficients
            Assert.True(Math.Abs(x[0]) < 1e-12, $"sample {n}: mean mode {x[0]}");
            Assert.True(Math.Abs(u.Average()) < 1e-12);
            for (var k = 0; k < x.Length; k++) sumSquares[k] += x[k] * x[k];
        }
        var ratios = new List<double>();
        for (var k1 = 0; k1 < s; k1++)
            for (var k2 = 0; k2 < s; k2++)
            {
                if (k1 == 0 && k2 == 0) continue;
                var expected = s * Math.Pow(tau, alpha - 1) * Math.Pow(Math.PI * Math.PI * (k1 * k1 + k2 * k2) + tau * tau, -alpha / 2);
                var ratio = sumSquares[k1 * s + k2] / samples / (expected * expected);
                Assert.InRange(ratio, 0.8, 1.2); // ±5.5σ of a variance estimate from 1500 draws
                ratios.Add(ratio);
            }
        Assert.InRange(ratios.Average(), 0.98, 1.02);
    }

    [Fact]
    public void ThresholdedFieldIsHalfHighOnAverage()
    {
        const int s = 64;
        var parameters = new DarcyGenerationParameters(100, 0, Resolution: s + 1, Subsample: 1, Seed: 3);
        var field = new GaussianRandomField(s + 1);
        var u = new double[(s + 1) * (s + 1)];
        var scratch = new double[2 * u.Length];
        var fraction = 0.0;
        for (var n = 0; n < parameters.Count; n++)
        {
            field.Sample(DarcySampler.StreamFor(parameters.Seed, n), u, scratch);
            fraction += u.Count(v => v >= 0) / (double)u.Length;
        }
        Assert.InRange(fraction / parameters.Count, 0.45, 0.55);
    }

    [Fact]
    public void SplineReproducesCubicsIncludingTheExtrapolatedBoundary()
    {
        const int s = 9;
        var cells = Enumerable.Range(0, s).Select(m => (2 * m + 1) / (2.0 * s)).ToArray();
        var nodes = Enumerable.Range(0, s).Select(p => p / (s - 1.0)).ToArray();
        var matrix = CubicSpline.InterpolationMatrix(cells[0], 1.0 / s, s, nodes);
        static double Cubic(double x) => 1 - 2 * x + 3 * x * x - 5 * x * x * x;
        for (var p = 0; p < s; p++)
        {
            var value = Enumerable.Range(0, s).Sum(m => matrix[p * s + m] * Cubic(cells[m]));
            Assert.Equal(Cubic(nodes[p]), value, 11);
        }
    }
}

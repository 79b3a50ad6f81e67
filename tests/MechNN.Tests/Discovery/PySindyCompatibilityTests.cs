using System.Text.Json;
using MechNN.Discovery;
using MechNN.Discovery.Libraries;
using MechNN.Discovery.Sindy;
using MechNN.Experiments.Systems;

namespace MechNN.Tests.Discovery;

/// <summary>
/// PySINDy 2.x behaviour: print() as its source formats it (<c>f"{c: .3f} {name}"</c> joined by " + ", lines
/// <c>f"({name})' = {eqn}"</c>), score() as scikit-learn's uniform-average R², SmoothedFiniteDifference building the
/// library from the smoothed x; and the exports (SymPy, JSON).
/// </summary>
public class PySindyCompatibilityTests
{
    [Theory]
    [InlineData(10.0, " 10.000")]
    [InlineData(-10.0, "-10.000")]
    [InlineData(0.0625, " 0.062")]      // an exact binary tie: Python rounds half to even ("F3" would give 0.063)
    [InlineData(0.0635, " 0.064")]      // not a tie in binary (0.06350000000000000088…)
    [InlineData(-2.6666666666666665, "-2.667")]
    [InlineData(1234.5, " 1234.500")]
    public void CoefficientsAreFormattedAsPythonsSpaceFlag(double value, string expected) =>
        Assert.Equal(expected, EquationFormatter.Coefficient(value, 3));

    [Fact]
    public void TermsThatRoundToZeroAreDroppedAndAnEmptyRightHandSideIsASpacedZero()
    {
        var names = new[] { "1", "x0", "x1" };
        Assert.Equal(" 0.000", EquationFormatter.Format(new[] { 0.0004, -0.0005, 0 }, names));
        Assert.Equal("-0.001 x0 +  0.500 x1", EquationFormatter.Format(new[] { 0.0004, -0.0006, 0.5 }, names));
        var model = new DiscoveredModel("sindy", new PolynomialLibrary(1, 1), new[] { "x0" }, new[] { new double[] { 0, 0 } });
        Assert.Equal(new[] { "(x0)' =  0.000" }, model.Equations());
    }

    /// <summary>
    /// PySINDy's quick-start protocol (Lorenz, dt 0.002, t ∈ [0, 10), x0 (−8, 8, 27), defaults: degree-2 library,
    /// STLSQ 0.1, second-order differences). MechNN's SINDy equals PySINDy's to 1e-11 on such data (issue 14), so these
    /// are PySINDy 2.1.0's print() lines for the coefficients both find.
    /// </summary>
    [Fact]
    public void LorenzPrintsInPySindy2Format()
    {
        var (x, t) = new Lorenz().Trajectory(new[] { -8.0, 8, 27 }, 0.002, 5000);
        var model = new SindyModel(new PolynomialLibrary(3, 2)).Fit(x, t);
        Assert.Equal(new[]
        {
            "(x0)' = -9.999 x0 +  9.999 x1",
            "(x1)' =  27.992 x0 + -0.999 x1 + -1.000 x0 x2",
            "(x2)' = -2.666 x2 +  1.000 x0 x1",
        }, model.Equations());
        Assert.Equal(string.Join(Environment.NewLine, model.Equations()), model.ToString());   // nothing but the equations
    }

    [Fact]
    public void ScoreIsTheUniformAverageOfThePerStateRSquared()
    {
        // x0 = e^−t is predicted by x0' = −x0 (R² ≈ 1); x1 = 100·sin t is predicted as 0 (R² ≈ 0). Pooled, the large x1
        // would dominate (≈ 0); the uniform average is ≈ 0.5.
        var t = Enumerable.Range(0, 400).Select(i => i * 0.01).ToArray();
        var x = t.Select(s => new[] { Math.Exp(-s), 100 * Math.Sin(s) }).ToArray();
        var model = new DiscoveredModel("sindy", new PolynomialLibrary(2, 1), new[] { "x0", "x1" }, new[] { new double[] { 0, -1, 0 }, new double[] { 0, 0, 0 } });
        var dx = new FiniteDifference().Differentiate(x, t);
        double R2(int j)
        {
            double mean = dx.Average(r => r[j]);
            double res = x.Select((row, i) => Math.Pow(dx[i][j] - model.Predict(row)[j], 2)).Sum();
            return 1 - res / dx.Sum(r => Math.Pow(r[j] - mean, 2));
        }
        Assert.Equal((R2(0) + R2(1)) / 2, model.Score(x, t), 12);
        Assert.InRange(model.Score(x, t), 0.45, 0.55);
    }

    [Fact]
    public void SmoothedDifferencesBuildTheLibraryFromTheSmoothedStatesAsPySindy2()
    {
        var (clean, t) = new LinearDampedSho().Trajectory(new[] { 2.0, 0 }, 0.01, 1000);
        var x = MeasurementNoise.Add(clean, 0.05, seed: 3);
        var library = new PolynomialLibrary(2, 2);
        var smoother = new SmoothedFiniteDifference();
        var v2 = new SindyModel(library, new Stlsq(0.05), smoother).Fit(x, t);
        // The same regression written out: Θ(smoothed x) against the differences of the smoothed x.
        var smooth = smoother.Smooth(x);
        var expected = new Stlsq(0.05).Fit(smooth.Select(r => library.Evaluate(r)).ToArray(), new FiniteDifference().Differentiate(smooth, t));
        for (int d = 0; d < 2; d++) Assert.Equal(expected[d], v2.Coefficients[d]);
        var v1 = new SindyModel(library, new Stlsq(0.05), new SmoothedFiniteDifference(smoothedStates: false)).Fit(x, t);
        Assert.NotEqual(v1.Coefficients[0][1], v2.Coefficients[0][1]);
    }

    private static DiscoveredModel Quadratic() => new("sindy", new PolynomialLibrary(2, 2), new[] { "x0", "x1" },
        new[] { new double[] { 0, -10, 10, 0, 0, 0 }, new double[] { 0.5, 0, 0, 1, -2.25, 0 } }, settings: new Dictionary<string, double> { ["threshold"] = 0.1 });

    [Fact]
    public void SympyExpressionsUseStarsPowersAndFullPrecision()
    {
        Assert.Equal(new[] { "-10.0*x0 + 10.0*x1", "0.5 + 1.0*x0**2 - 2.25*x0*x1" }, Quadratic().SympyExpressions());
        var third = new DiscoveredModel("mnn", new PolynomialLibrary(1, 1), new[] { "u" }, new[] { new double[] { 0, -1.0 / 3 } });
        Assert.Equal(new[] { "-0.3333333333333333*u" }, third.SympyExpressions());
    }

    [Fact]
    public void JsonExportHoldsCoefficientsNamesThresholdAndMethod()
    {
        using var json = JsonDocument.Parse(Quadratic().ToJson());
        var root = json.RootElement;
        Assert.Equal("sindy", root.GetProperty("method").GetString());
        Assert.Equal(new[] { "x0", "x1" }, root.GetProperty("states").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(new[] { "1", "x0", "x1", "x0^2", "x0 x1", "x1^2" }, root.GetProperty("features").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(-2.25, root.GetProperty("coefficients")[1][4].GetDouble());
        Assert.Equal(0.1, root.GetProperty("threshold").GetDouble());
        Assert.Equal("-10.0*x0 + 10.0*x1", root.GetProperty("sympy")[0].GetString());
    }
}

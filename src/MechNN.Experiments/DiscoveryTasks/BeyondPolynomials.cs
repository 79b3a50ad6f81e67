using MechNN.Discovery;
using MechNN.Experiments.Systems;
using MechNN.Discovery.Libraries;
using MechNN.Discovery.Sindy;
using MechNN.Integrators;

namespace MechNN.Experiments.DiscoveryTasks;

/// <summary>One model's simulation from an unseen initial state, and its RMS error against the truth (∞ if it diverged).</summary>
public sealed record ComparisonRun(string Method, IReadOnlyList<string> Equations, double[][]? Simulation, double RmsError);

/// <summary>The outcome of one beyond-polynomial example: truth and both methods simulated from an unseen state.</summary>
public sealed record BeyondPolynomialResult(string System, double[] Times, double[][] Truth, ComparisonRun Mnn, ComparisonRun Sindy);

/// <summary>
/// The paper's §5.1 comparison (Fig. 2): systems outside SINDy's polynomial span — u' = tanh(Θξ) and u' = p(u)/q(u) — learned
/// by the MNN (with g = tanh known; as q·u' − p = 0) and by polynomial SINDy from one trajectory, then both simulated from
/// an initial state not in the data.
/// </summary>
public static class BeyondPolynomials
{
    public static BeyondPolynomialResult Tanh()
    {
        var system = new TanhOscillator();
        var (x, t) = system.Trajectory(new[] { 2.0, 0 }, 0.01, 2000);
        var mnn = new MechanisticDiscovery(new PolynomialLibrary(2, 2), new MechanisticDiscoveryOptions
        {
            Window = 50, Stride = 10, BatchSize = 64, Cycles = 2, EpochsPerCycle = 10, DenoiserWidth = 0, LearningRate = 1e-3, Threshold = 0.05,
            Nonlinearity = OuterFunction.Tanh,
        }).Fit(x, t);
        var sindy = new SindyModel(new PolynomialLibrary(2, 3), new Stlsq(0.05)).Fit(x, t);
        // Printed as "tanh: (x0)' = …" (the linear combination inside g), as the paper's Fig. 2 lists them.
        var inner = new DiscoveredModel(mnn.Method, mnn.Library, mnn.Names, mnn.Coefficients);
        return Compare(system, new[] { 3.0, 0 }, 20, mnn, inner.Equations().Select(e => "tanh: " + e).ToList(), sindy);
    }

    public static BeyondPolynomialResult Rational()
    {
        var system = new RationalDecay();
        var (x, t) = system.Trajectory(new[] { -3.0 }, 0.01, 1500);
        var mnn = new RationalDiscovery(new PolynomialLibrary(1, 2), new MechanisticDiscoveryOptions
        {
            Window = 50, Stride = 25, BatchSize = 64, Cycles = 1, EpochsPerCycle = 20, LearningRate = 1e-3, Threshold = 0.05,
        }).Fit(x, t);
        var sindy = new SindyModel(new PolynomialLibrary(1, 4), new Stlsq(0.05)).Fit(x, t);
        return Compare(system, new[] { -6.0 }, 25, mnn, mnn.Equations(), sindy);
    }

    private static BeyondPolynomialResult Compare(DynamicalSystem system, double[] x0, double end, DiscoveredModel mnn, IReadOnlyList<string> mnnEquations,
        DiscoveredModel sindy)
    {
        var times = Enumerable.Range(0, (int)(end / 0.02) + 1).Select(i => i * 0.02).ToArray();
        var truth = new DormandPrince45(1e-10, 1e-10).Integrate((_, s) => system.Derivative(s), x0, times);
        ComparisonRun Run(string name, IReadOnlyList<string> equations, DiscoveredModel model)
        {
            try
            {
                var sim = model.Simulate(x0, times, 1e-8, 1e-8);
                double rms = Math.Sqrt(sim.Zip(truth, (a, b) => a.Zip(b, (p, q) => (p - q) * (p - q)).Sum()).Average());
                return new ComparisonRun(name, equations, sim, rms);
            }
            catch (IntegrationDivergedException) { return new ComparisonRun(name, equations, null, double.PositiveInfinity); }
        }
        return new BeyondPolynomialResult(system.Name, times, truth, Run("MNN", mnnEquations, mnn), Run("SINDy (polynomial)", sindy.Equations(), sindy));
    }
}

using MechNN.Discovery.Libraries;

namespace MechNN.Discovery.Sindy;

/// <summary>
/// Weak-form SINDy for ODEs (Messenger &amp; Bortz 2021; PySINDy's WeakPDELibrary idea in time only): no derivative of
/// the data is taken. On K subdomains [a, b] of the samples, a compactly supported polynomial test function
/// φ(t) = (1 − s²)^p, s = (2t − a − b)/(b − a), normalised to ∫φ = 1, turns ẋ = Θ(x)ξ into
/// −∫ φ′ x dt = (∫ φ Θ(x) dt) ξ (integration by parts; φ vanishes at both ends), integrals by the trapezoid rule on the
/// samples (any increasing grid). The K × features system is solved by the sparse optimiser; ξ has the units of the
/// strong form, so thresholds mean the same as for <see cref="SindyModel"/>.
/// </summary>
/// <param name="library">The candidate library Θ.</param>
/// <param name="optimizer">The sparse regression (default STLSQ, threshold 0.1).</param>
/// <param name="width">Samples per subdomain (≥ 5; 0: a hundredth of the shortest trajectory, at least 15 and at most 51 —
/// wide enough to average noise out, narrow enough to follow chaotic dynamics).</param>
/// <param name="subdomains">Test functions per trajectory, spread evenly (0: one per 2 samples, at most 600).</param>
/// <param name="power">The test function's power p (≥ 2; higher is smoother, wider in frequency).</param>
public sealed class WeakSindy(ICandidateLibrary library, ISparseOptimizer? optimizer = null, int width = 0, int subdomains = 0, int power = 4) : IDiscoveryMethod
{
    /// <summary>The candidate library Θ.</summary>
    public ICandidateLibrary Library { get; } = library;
    /// <summary>The sparse regression.</summary>
    public ISparseOptimizer Optimizer { get; } = optimizer ?? new Stlsq();
    /// <summary>Samples per subdomain (0: automatic).</summary>
    public int Width { get; } = width == 0 || width >= 5 ? width : throw OptionCheck.Invalid("weak-form width", "0 (automatic) or ≥ 5 samples", width);
    /// <summary>Test functions per trajectory (0: automatic).</summary>
    public int Subdomains { get; } = subdomains >= 0 ? subdomains : throw OptionCheck.Invalid("weak-form subdomains", "≥ 0", subdomains);
    /// <summary>The power p of the test functions (1 − s²)^p.</summary>
    public int Power { get; } = power >= 2 ? power : throw OptionCheck.Invalid("weak-form power", "≥ 2", power);

    /// <inheritdoc/>
    public DiscoveredModel Fit(IReadOnlyList<(double[][] X, double[] T)> trajectories, IReadOnlyList<string>? names = null, Action<DiscoveryProgress>? progress = null)
    {
        var stateNames = SindyRegression.StateNames(trajectories, names);
        int shortest = trajectories.Min(t => t.X.Length);
        int w = Width > 0 ? Width : Math.Clamp(shortest / 100, 15, 51);
        if (shortest < w) throw new ArgumentException($"a trajectory of {shortest} samples is shorter than one weak-form subdomain of {w} samples");
        var theta = new List<double[]>();
        var targets = new List<double[]>();
        foreach (var (x, t) in trajectories)
        {
            if (t.Length != x.Length) throw new ArgumentException($"{x.Length} samples but {t.Length} times.");
            var features = x.Select(row => Library.Evaluate(row)).ToArray();
            int starts = x.Length - w + 1, k = Subdomains > 0 ? Subdomains : Math.Min(600, Math.Max(1, x.Length / 2));
            k = Math.Min(k, starts);
            for (int j = 0; j < k; j++)
            {
                int a = k == 1 ? 0 : (int)Math.Round((double)j * (starts - 1) / (k - 1));
                var (phi, dphi) = TestFunction(t, a, w);
                theta.Add(Integral(features, phi, a, +1));
                targets.Add(Integral(x, dphi, a, -1));
            }
        }
        var regression = SindyRegression.Checked(Library, stateNames, theta.ToArray(), targets.ToArray(), "test functions");
        return regression.Model("weak-sindy", Optimizer.Fit(regression.Theta, regression.Targets), Optimizer,
            new Dictionary<string, double> { ["width"] = w, ["power"] = Power });
    }

    /// <summary>Trapezoid weights of φ and φ′ on samples a … a + w − 1, scaled so that ∫φ dt = 1.</summary>
    private (double[] Phi, double[] DPhi) TestFunction(double[] t, int a, int w)
    {
        double left = t[a], right = t[a + w - 1], half = (right - left) / 2, mid = (left + right) / 2;
        var phi = new double[w];
        var dphi = new double[w];
        for (int i = 0; i < w; i++)
        {
            // Trapezoid weight of sample i on a possibly uneven grid.
            double before = i > 0 ? t[a + i] - t[a + i - 1] : 0, after = i < w - 1 ? t[a + i + 1] - t[a + i] : 0;
            double weight = (before + after) / 2, s = (t[a + i] - mid) / half, bump = 1 - s * s;
            phi[i] = weight * Math.Pow(bump, Power);
            dphi[i] = weight * -2 * Power * s * Math.Pow(bump, Power - 1) / half;
        }
        double norm = phi.Sum();
        for (int i = 0; i < w; i++) { phi[i] /= norm; dphi[i] /= norm; }
        return (phi, dphi);
    }

    /// <summary>sign · Σᵢ weightᵢ · rows[a + i] (one value per column).</summary>
    private static double[] Integral(double[][] rows, double[] weights, int a, int sign)
    {
        var sum = new double[rows[0].Length];
        for (int i = 0; i < weights.Length; i++)
            for (int c = 0; c < sum.Length; c++) sum[c] += sign * weights[i] * rows[a + i][c];
        return sum;
    }
}

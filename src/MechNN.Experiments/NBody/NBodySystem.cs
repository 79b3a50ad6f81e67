using MechNN.Experiments.Systems;

namespace MechNN.Experiments.NBody;

/// <summary>
/// N point masses in a plane under Newtonian gravity, optionally softened: the force on body i from body j is
/// G·mᵢ·mⱼ·(rⱼ − rᵢ)/(|rⱼ − rᵢ|² + ε²)^{3/2}. State (xᵢ, yᵢ, vxᵢ, vyᵢ) per body, bodies in order, so 4N values.
/// </summary>
/// <remarks>
/// Without softening (ε = 0, the default) a close encounter is integrated as it is: the adaptive Dormand–Prince steps
/// shrink, the pair exchanges energy and may fling one body out; a softening length bounds the force instead and
/// changes the physics below that distance.
/// </remarks>
public sealed class NBodySystem : DynamicalSystem
{
    /// <summary>A system of the given masses.</summary>
    /// <param name="masses">One positive mass per body (at least two bodies).</param>
    /// <param name="gravity">The gravitational constant G &gt; 0.</param>
    /// <param name="softening">Softening length ε ≥ 0 (0: exact Newtonian gravity).</param>
    /// <exception cref="ArgumentException">Fewer than two bodies, a mass or G not positive, or a negative softening.</exception>
    public NBodySystem(IReadOnlyList<double> masses, double gravity = 2, double softening = 0)
    {
        if (masses.Count < 2) throw new ArgumentException($"an N-body system needs at least 2 bodies (got {masses.Count})");
        for (int i = 0; i < masses.Count; i++)
            if (!(masses[i] > 0) || double.IsInfinity(masses[i])) throw new ArgumentException($"the mass of body {i} must be positive (got {masses[i]})");
        if (!(gravity > 0) || double.IsInfinity(gravity)) throw new ArgumentException($"G must be positive (got {gravity})");
        if (!(softening >= 0) || double.IsInfinity(softening)) throw new ArgumentException($"the softening length must be ≥ 0 (got {softening})");
        Masses = masses.ToArray();
        Gravity = gravity;
        Softening = softening;
    }

    /// <summary>The masses, one per body.</summary>
    public IReadOnlyList<double> Masses { get; }

    /// <summary>The gravitational constant.</summary>
    public double Gravity { get; }

    /// <summary>The softening length ε (0: none).</summary>
    public double Softening { get; }

    /// <summary>The number of bodies.</summary>
    public int Bodies => Masses.Count;

    /// <inheritdoc/>
    public override string Name => $"{Bodies}-body";

    /// <inheritdoc/>
    public override int Dimension => 4 * Bodies;

    /// <inheritdoc/>
    public override double[] Derivative(double[] s)
    {
        int n = Bodies;
        var d = new double[4 * n];
        double eps2 = Softening * Softening;
        for (int i = 0; i < n; i++)
        {
            d[4 * i] = s[4 * i + 2];
            d[4 * i + 1] = s[4 * i + 3];
        }
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                double dx = s[4 * j] - s[4 * i], dy = s[4 * j + 1] - s[4 * i + 1];
                double r2 = dx * dx + dy * dy + eps2;
                double k = Gravity / (r2 * Math.Sqrt(r2));
                d[4 * i + 2] += k * Masses[j] * dx;
                d[4 * i + 3] += k * Masses[j] * dy;
                d[4 * j + 2] -= k * Masses[i] * dx;
                d[4 * j + 3] -= k * Masses[i] * dy;
            }
        return d;
    }

    /// <summary>Kinetic plus (softened) potential energy of a state.</summary>
    /// <param name="s">A state of <see cref="Dimension"/> values.</param>
    /// <returns>The total energy.</returns>
    public double Energy(double[] s)
    {
        double e = 0, eps2 = Softening * Softening;
        for (int i = 0; i < Bodies; i++)
        {
            e += 0.5 * Masses[i] * (s[4 * i + 2] * s[4 * i + 2] + s[4 * i + 3] * s[4 * i + 3]);
            for (int j = i + 1; j < Bodies; j++)
            {
                double dx = s[4 * j] - s[4 * i], dy = s[4 * j + 1] - s[4 * i + 1];
                e -= Gravity * Masses[i] * Masses[j] / Math.Sqrt(dx * dx + dy * dy + eps2);
            }
        }
        return e;
    }

    /// <summary>Total linear momentum (px, py) of a state.</summary>
    /// <param name="s">A state of <see cref="Dimension"/> values.</param>
    /// <returns>The momentum.</returns>
    public (double X, double Y) Momentum(double[] s)
    {
        double px = 0, py = 0;
        for (int i = 0; i < Bodies; i++) { px += Masses[i] * s[4 * i + 2]; py += Masses[i] * s[4 * i + 3]; }
        return (px, py);
    }

    /// <summary>The state seen from the centre of mass: its position and velocity subtracted from every body.</summary>
    /// <param name="s">A state of <see cref="Dimension"/> values.</param>
    /// <returns>A new state with zero momentum and the centre of mass at the origin.</returns>
    public double[] CentreOfMassFrame(double[] s)
    {
        double total = Masses.Sum();
        var com = new double[4];
        for (int i = 0; i < Bodies; i++)
            for (int k = 0; k < 4; k++) com[k] += Masses[i] * s[4 * i + k] / total;
        return s.Select((v, idx) => v - com[idx % 4]).ToArray();
    }

    /// <summary>
    /// A random rotating disc: radii uniform in [<paramref name="spread"/>/4, <paramref name="spread"/>], angles uniform; each body
    /// moves tangentially (all the same way round) at <paramref name="speed"/> times the circular speed √(G·M(r)/r), M(r) the mass
    /// of the bodies further in plus half its own, with a 10% random radial component. The disc stays bound for long
    /// stretches but its bodies do meet: the trajectory is chaotic.
    /// </summary>
    /// <param name="seed">Random seed.</param>
    /// <param name="spread">Outer radius of the disc.</param>
    /// <param name="speed">Tangential speed relative to circular.</param>
    /// <param name="centreOfMass">Shift to the centre-of-mass frame (zero momentum, centre at the origin).</param>
    /// <returns>A state of <see cref="Dimension"/> values.</returns>
    public double[] RandomInitialState(long seed, double spread = 5, double speed = 1, bool centreOfMass = true)
    {
        var rng = new Random(unchecked((int)seed));
        var radius = Enumerable.Range(0, Bodies).Select(_ => spread * (0.25 + 0.75 * rng.NextDouble())).ToArray();
        var s = new double[Dimension];
        for (int i = 0; i < Bodies; i++)
        {
            double angle = 2 * Math.PI * rng.NextDouble();
            double inner = 0.5 * Masses[i];
            for (int j = 0; j < Bodies; j++) if (radius[j] < radius[i]) inner += Masses[j];
            double v = speed * Math.Sqrt(Gravity * inner / radius[i]);
            double radial = 0.1 * v * (2 * rng.NextDouble() - 1);
            double ux = Math.Cos(angle), uy = Math.Sin(angle);
            s[4 * i] = radius[i] * ux;
            s[4 * i + 1] = radius[i] * uy;
            s[4 * i + 2] = -v * uy + radial * ux;
            s[4 * i + 3] = v * ux + radial * uy;
        }
        return centreOfMass ? CentreOfMassFrame(s) : s;
    }

    /// <summary>The variable names of a state, in order: x0, y0, vx0, vy0, x1, ….</summary>
    /// <returns>4N names.</returns>
    public IReadOnlyList<string> VariableNames() =>
        Enumerable.Range(0, Bodies).SelectMany(i => new[] { $"x{i}", $"y{i}", $"vx{i}", $"vy{i}" }).ToList();
}

using MechNN.Experiments.Systems;

namespace MechNN.Experiments.TwoBody;

/// <summary>
/// Two point masses in a plane under Newtonian gravity (paper §5.4: masses 10 and 20, G = 2). State
/// (x₁, y₁, x₂, y₂, vx₁, vy₁, vx₂, vy₂).
/// </summary>
public sealed class TwoBodySystem(double mass1 = 10, double mass2 = 20, double gravity = 2) : DynamicalSystem
{
    public double Mass1 { get; } = mass1;
    public double Mass2 { get; } = mass2;
    public double Gravity { get; } = gravity;
    public override string Name => "2-body";
    public override int Dimension => 8;

    public override double[] Derivative(double[] s)
    {
        double dx = s[2] - s[0], dy = s[3] - s[1];
        double r3 = Math.Pow(dx * dx + dy * dy, 1.5);
        double fx = Gravity * Mass1 * Mass2 * dx / r3, fy = Gravity * Mass1 * Mass2 * dy / r3;   // force on body 1
        return new[] { s[4], s[5], s[6], s[7], fx / Mass1, fy / Mass1, -fx / Mass2, -fy / Mass2 };
    }

    /// <summary>A random bound orbit: separation 2–3, centre of mass at rest, tangential speed 0.7–1.0 of circular.</summary>
    public double[] RandomInitialState(long seed)
    {
        var rng = new Random((int)seed);
        double angle = 2 * Math.PI * rng.NextDouble(), distance = 2 + rng.NextDouble();
        double speed = (0.7 + 0.3 * rng.NextDouble()) * Math.Sqrt(Gravity * (Mass1 + Mass2) / distance);
        double ux = Math.Cos(angle), uy = Math.Sin(angle);
        double total = Mass1 + Mass2;
        // Relative position r = r₂ − r₁ and velocity v (perpendicular), split about the centre of mass.
        double rx = distance * ux, ry = distance * uy, vx = -speed * uy, vy = speed * ux;
        return new[] { -Mass2 / total * rx, -Mass2 / total * ry, Mass1 / total * rx, Mass1 / total * ry,
                       -Mass2 / total * vx, -Mass2 / total * vy, Mass1 / total * vx, Mass1 / total * vy };
    }
}

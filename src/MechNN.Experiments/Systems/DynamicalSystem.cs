using MechNN.Integrators;

namespace MechNN.Experiments.Systems;

/// <summary>An autonomous system ẋ = f(x) with its published parameters, and a generator for its trajectories.</summary>
public abstract class DynamicalSystem
{
    public abstract string Name { get; }
    public abstract int Dimension { get; }
    public abstract double[] Derivative(double[] x);

    /// <summary>Samples x(t) at t = 0, dt, …, (count−1)·dt with tight tolerances (rtol = atol = 1e-12 by default).</summary>
    public (double[][] X, double[] T) Trajectory(double[] x0, double dt, int count, double tolerance = 1e-12)
    {
        if (x0.Length != Dimension) throw new ArgumentException($"{Name} has {Dimension} states; x0 has {x0.Length}.");
        var t = Enumerable.Range(0, count).Select(i => i * dt).ToArray();
        return (new DormandPrince45(tolerance, tolerance).Integrate((_, x) => Derivative(x), x0, t), t);
    }
}

/// <summary>ẋ = −0.1x + 2y, ẏ = −2x − 0.1y (PySINDy's linear damped oscillator).</summary>
public sealed class LinearDampedSho : DynamicalSystem
{
    public override string Name => "linear damped SHO";
    public override int Dimension => 2;
    public override double[] Derivative(double[] x) => new[] { -0.1 * x[0] + 2 * x[1], -2 * x[0] - 0.1 * x[1] };
}

/// <summary>ẋ = −0.1x³ + 2y³, ẏ = −2x³ − 0.1y³ (PySINDy's cubic damped oscillator).</summary>
public sealed class CubicDampedSho : DynamicalSystem
{
    public override string Name => "cubic damped SHO";
    public override int Dimension => 2;
    public override double[] Derivative(double[] x)
    {
        double x3 = x[0] * x[0] * x[0], y3 = x[1] * x[1] * x[1];
        return new[] { -0.1 * x3 + 2 * y3, -2 * x3 - 0.1 * y3 };
    }
}

/// <summary>Lorenz: ẋ = σ(y − x), ẏ = x(ρ − z) − y, ż = xy − βz; σ = 10, ρ = 28, β = 8/3.</summary>
public sealed class Lorenz(double sigma = 10, double rho = 28, double beta = 8.0 / 3) : DynamicalSystem
{
    public override string Name => "Lorenz";
    public override int Dimension => 3;
    public override double[] Derivative(double[] x) =>
        new[] { sigma * (x[1] - x[0]), x[0] * (rho - x[2]) - x[1], x[0] * x[1] - beta * x[2] };
}

/// <summary>ẋ = −0.1x + 2y, ẏ = −2x − 0.1y, ż = −0.3z (PySINDy's linear 3-D example).</summary>
public sealed class Linear3D : DynamicalSystem
{
    public override string Name => "linear 3-D";
    public override int Dimension => 3;
    public override double[] Derivative(double[] x) => new[] { -0.1 * x[0] + 2 * x[1], -2 * x[0] - 0.1 * x[1], -0.3 * x[2] };
}

/// <summary>Rössler: ẋ = −y − z, ẏ = x + a·y, ż = b + z(x − c); a = 0.2, b = 0.2, c = 5.7 (Rössler 1976).</summary>
public sealed class Rossler(double a = 0.2, double b = 0.2, double c = 5.7) : DynamicalSystem
{
    public override string Name => "Rössler";
    public override int Dimension => 3;
    public override double[] Derivative(double[] x) => new[] { -x[1] - x[2], x[0] + a * x[1], b + x[2] * (x[0] - c) };
}

/// <summary>Van der Pol: ẋ = y, ẏ = μ(1 − x²)y − x; μ = 0.5 (PySINDy's utils.odes default).</summary>
public sealed class VanDerPol(double mu = 0.5) : DynamicalSystem
{
    public override string Name => "Van der Pol";
    public override int Dimension => 2;
    public override double[] Derivative(double[] x) => new[] { x[1], mu * (1 - x[0] * x[0]) * x[1] - x[0] };
}

/// <summary>ẋ = tanh(−0.1x + 2y), ẏ = tanh(−2x − 0.1y): a saturating damped oscillator (this project's tanh(Θξ) example).</summary>
public sealed class TanhOscillator : DynamicalSystem
{
    public override string Name => "tanh oscillator";
    public override int Dimension => 2;
    public override double[] Derivative(double[] x) => new[] { Math.Tanh(-0.1 * x[0] + 2 * x[1]), Math.Tanh(-2 * x[0] - 0.1 * x[1]) };
}

/// <summary>u' = (1 − u)/(1 + u²): a rational right-hand side (this project's p/q example).</summary>
public sealed class RationalDecay : DynamicalSystem
{
    public override string Name => "rational decay";
    public override int Dimension => 1;
    public override double[] Derivative(double[] x) => new[] { (1 - x[0]) / (1 + x[0] * x[0]) };
}

/// <summary>Duffing: ẋ = y, ẏ = −δy − αx − βx³ with (δ, α, β) = (0.2, 0.05, 1) (PySINDy's utils.odes defaults).</summary>
public sealed class Duffing(double delta = 0.2, double alpha = 0.05, double beta = 1) : DynamicalSystem
{
    public override string Name => "Duffing";
    public override int Dimension => 2;
    public override double[] Derivative(double[] x) => new[] { x[1], -delta * x[1] - alpha * x[0] - beta * x[0] * x[0] * x[0] };
}

/// <summary>Lotka–Volterra: ẋ = a·x − b·xy, ẏ = b·xy − 2a·y with (a, b) = (1, 10) (PySINDy's utils.odes defaults).</summary>
public sealed class LotkaVolterra(double a = 1, double b = 10) : DynamicalSystem
{
    public override string Name => "Lotka–Volterra";
    public override int Dimension => 2;
    public override double[] Derivative(double[] x) => new[] { a * x[0] - b * x[0] * x[1], b * x[0] * x[1] - 2 * a * x[1] };
}

/// <summary>Hopf normal form: ẋ = μx − ωy − A·x(x² + y²), ẏ = ωx + μy − A·y(x² + y²); (μ, ω, A) = (−0.05, 1, 1) (PySINDy's defaults).</summary>
public sealed class Hopf(double mu = -0.05, double omega = 1, double amplitude = 1) : DynamicalSystem
{
    public override string Name => "Hopf";
    public override int Dimension => 2;
    public override double[] Derivative(double[] x)
    {
        double r2 = x[0] * x[0] + x[1] * x[1];
        return new[] { mu * x[0] - omega * x[1] - amplitude * x[0] * r2, omega * x[0] + mu * x[1] - amplitude * x[1] * r2 };
    }
}

namespace MechNN.Experiments.Systems;

/// <summary>The built-in systems by command-line name, with a default initial state.</summary>
public static class SystemCatalog
{
    public static readonly IReadOnlyDictionary<string, (Func<DynamicalSystem> Create, double[] X0)> All =
        new Dictionary<string, (Func<DynamicalSystem>, double[])>
        {
            ["lorenz"] = (() => new Lorenz(), new[] { 1.0, 1, 1 }),
            ["linear-sho"] = (() => new LinearDampedSho(), new[] { 2.0, 0 }),
            ["cubic-sho"] = (() => new CubicDampedSho(), new[] { 2.0, 0 }),
            ["linear-3d"] = (() => new Linear3D(), new[] { 2.0, 0, 1 }),
            ["rossler"] = (() => new Rossler(), new[] { 1.0, 1, 1 }),
            ["vanderpol"] = (() => new VanDerPol(), new[] { 2.0, 0 }),
            ["duffing"] = (() => new Duffing(), new[] { 1.0, 0 }),
            ["lotka-volterra"] = (() => new LotkaVolterra(), new[] { 0.3, 0.2 }),
            ["hopf"] = (() => new Hopf(), new[] { 1.0, 0 }),
            ["tanh"] = (() => new TanhOscillator(), new[] { 2.0, 0 }),
            ["rational"] = (() => new RationalDecay(), new[] { -3.0 }),
        };

    public static (DynamicalSystem System, double[] X0) Get(string name) =>
        All.TryGetValue(name, out var entry) ? (entry.Create(), entry.X0)
            : throw new ArgumentException($"unknown system '{name}'; known: {string.Join(", ", All.Keys)}");
}

namespace MechNN.IO.Csv;

/// <summary>One sampled trajectory: times (increasing) and states (rows = samples), with variable names.</summary>
public sealed record Trajectory(IReadOnlyList<string> Names, double[] Times, double[][] States);

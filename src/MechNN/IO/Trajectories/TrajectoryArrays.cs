using MechNN.IO.Csv;

namespace MechNN.IO.Trajectories;

/// <summary>
/// Turns a states array (and, when there is one, a times array) read from a .npy, .npz or HDF5 file into a checked
/// <see cref="Trajectory"/>, with the same rules as a CSV file: increasing finite times, finite states, no constant state.
/// </summary>
internal static class TrajectoryArrays
{
    public static Trajectory Build(string file, string? dataset, double[] values, long[] shape, (string Name, double[] Values, long[] Shape)? times,
        TrajectoryReadOptions options, IReadOnlyList<string>? names = null)
    {
        var label = dataset ?? "states";
        TrajectoryDataException Fail(string? array, TrajectoryProblem problem, string detail) => new(file, array, problem, detail);

        if (shape.Length is not (1 or 2) || shape[^1] == 0)
            throw Fail(dataset, TrajectoryProblem.WrongRank, $"shape ({string.Join(", ", shape)}) is not a trajectory: expected (samples, states) or (samples,)");
        int samples = (int)shape[0], width = shape.Length == 1 ? 1 : (int)shape[1];
        if (samples < options.MinimumRows)
            throw Fail(dataset, TrajectoryProblem.TooFewSamples, $"{samples} samples; at least {options.MinimumRows} are needed");

        double[] t;
        if (times is { } given)
        {
            if (given.Shape.Length != 1)
                throw Fail(given.Name, TrajectoryProblem.WrongRank, $"times of shape ({string.Join(", ", given.Shape)}); expected ({samples},)");
            if (given.Shape[0] != samples)
                throw Fail(given.Name, TrajectoryProblem.LengthMismatch, $"{given.Shape[0]} times for {samples} samples of '{label}'");
            t = given.Values;
            for (int i = 0; i < samples; i++)
            {
                if (!double.IsFinite(t[i])) throw Fail(given.Name, TrajectoryProblem.NonFinite, $"{given.Name}[{i}] is {t[i]}");
                if (i > 0 && !(t[i] > t[i - 1]))
                    throw Fail(given.Name, TrajectoryProblem.TimesNotIncreasing, $"{given.Name}[{i}] = {t[i]} is not after {given.Name}[{i - 1}] = {t[i - 1]}");
            }
        }
        else
        {
            if (options.Dt is not { } dt)
                throw Fail(dataset, TrajectoryProblem.NoTimes, $"no times ({(dataset is null ? "a .npy holds only the states" : "no array 't' or 'time' beside it")}) and no --dt given");
            t = Enumerable.Range(0, samples).Select(i => i * dt).ToArray();
        }

        var states = new double[samples][];
        for (int i = 0; i < samples; i++)
        {
            states[i] = values.AsSpan(i * width, width).ToArray();
            for (int j = 0; j < width; j++)
                if (!double.IsFinite(states[i][j])) throw Fail(dataset, TrajectoryProblem.NonFinite, $"{label}[{i}, {j}] is {states[i][j]}");
        }
        var stateNames = names is not null && names.Count == width ? names : Enumerable.Range(0, width).Select(j => $"x{j}").ToList();
        for (int j = 0; j < width; j++)
            if (states.All(s => s[j] == states[0][j]))
                throw Fail(dataset, TrajectoryProblem.ConstantState, $"state {j} ({stateNames[j]}) is constant: it carries no dynamics");
        return new Trajectory(stateNames, t, states);
    }

    /// <summary>Refuses NaN and ±∞ before a write, naming the sample and state as the written arrays index them.</summary>
    public static void CheckFinite(string path, Trajectory trajectory)
    {
        for (int i = 0; i < trajectory.Times.Length; i++)
        {
            if (!double.IsFinite(trajectory.Times[i])) throw NonFinite(path, $"t[{i}]", trajectory.Times[i]);
            for (int j = 0; j < trajectory.States[i].Length; j++)
                if (!double.IsFinite(trajectory.States[i][j])) throw NonFinite(path, $"x[{i}, {j}] ({trajectory.Names[j]})", trajectory.States[i][j]);
        }
    }

    private static ArgumentException NonFinite(string path, string at, double value) =>
        new($"{path}: {at} is {(double.IsNaN(value) ? "NaN" : value > 0 ? "∞" : "-∞")} and cannot be written; a trajectory file holds finite numbers only");
}

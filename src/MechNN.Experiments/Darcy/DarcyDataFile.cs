using MechNN.IO.Hdf5;

namespace MechNN.Experiments.Darcy;

/// <summary>
/// Darcy data in HDF5: our files (datasets <c>coeff</c> and <c>sol</c>, float32 [N, g, g], generation parameters as
/// root attributes) and the original <c>piececonst_r421_N1024_smooth{1,2}.mat</c> (MATLAB v7.3, the same names stored
/// column-major, so HDF5 shows them as [g, g, N]; read back into [N, g, g]).
/// </summary>
public static class DarcyDataFile
{
    /// <summary>The value of the root attribute <c>format</c> in our files.</summary>
    public const string Format = "mechnn-darcy/1";

    /// <summary>Writes <paramref name="data"/> atomically (temporary file in the same folder, then rename).</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="data">The data set.</param>
    /// <exception cref="IOException">The file cannot be written.</exception>
    /// <exception cref="ArgumentException">The data hold a non-finite value.</exception>
    public static void Write(string path, DarcyDataset data)
    {
        foreach (var (name, values) in new[] { ("coeff", data.Coefficients), ("sol", data.Solutions) })
            if (FirstNonFinite(values, data.GridSize) is { } problem) throw new ArgumentException($"Darcy data, '{name}': {problem}");
        var shape = new long[] { data.Count, data.GridSize, data.GridSize };
        var attributes = new Dictionary<string, object>
        {
            ["format"] = Format,
            ["train"] = data.TrainCount,
            ["test"] = data.TestCount,
            ["grid_size"] = data.GridSize,
        };
        if (data.Parameters is { } p)
        {
            attributes["resolution"] = p.Resolution;
            attributes["subsample"] = p.Subsample;
            attributes["seed"] = p.Seed;
            attributes["alpha"] = p.Alpha;
            attributes["tau"] = p.Tau;
            attributes["a_high"] = p.High;
            attributes["a_low"] = p.Low;
            attributes["f"] = 1.0;
            attributes["tolerance"] = p.Tolerance;
            attributes["recipe"] = "GRF(alpha, tau) on s x s cells, a = a_high where GRF >= 0 else a_low, spline to nodes, 5-point FD of -div(a grad u) = f, u = 0 on the boundary, spline back to cells, stride subsample";
        }
        Hdf5Writer.WriteAtomic(path, new Dictionary<string, Hdf5Array>
        {
            ["coeff"] = new(data.Coefficients, shape),
            ["sol"] = new(data.Solutions, shape),
        }, attributes);
    }

    /// <summary>
    /// Reads a Darcy file (ours or an original MATLAB v7.3 MAT-file), optionally only the first samples and every r-th
    /// node (the benchmark's <c>x[:, ::r, ::r]</c>), reading just those values.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="subsample">The stride r (dividing g − 1).</param>
    /// <param name="maxSamples">Read at most this many leading samples, or null for all.</param>
    /// <returns>The data; a MAT-file's samples all count as training samples and carry no parameters.</returns>
    /// <exception cref="Hdf5DataException">The file is missing, not HDF5 (a MATLAB v5 file says how to convert), lacks
    /// <c>coeff</c> or <c>sol</c>, has a wrong rank or shape, or holds non-finite values.</exception>
    /// <exception cref="ArgumentException">The stride does not divide g − 1, or maxSamples &lt; 1.</exception>
    public static DarcyDataset Read(string path, int subsample = 1, int? maxSamples = null)
    {
        if (maxSamples < 1) throw new ArgumentException($"Darcy data: maxSamples must be ≥ 1, got {maxSamples}.", nameof(maxSamples));
        using var reader = Hdf5Reader.Open(path);
        var shape = SampleShape(reader, "coeff");
        var solShape = SampleShape(reader, "sol");
        if (!shape.SequenceEqual(solShape))
            throw new Hdf5DataException(path, "sol", $"shape [{string.Join(", ", solShape)}] differs from coeff's [{string.Join(", ", shape)}] (as [N, g, g]).");
        var (count, g) = ((int)shape[0], (int)shape[1]);
        if (subsample < 1 || (g - 1) % subsample != 0)
            throw new ArgumentException($"{path}: subsample {subsample} does not divide grid size − 1 = {g - 1}.");
        var take = Math.Min(count, maxSamples ?? count);
        var gs = (g - 1) / subsample + 1;
        var coeff = ReadSamples(reader, "coeff", take, subsample, gs);
        var sol = ReadSamples(reader, "sol", take, subsample, gs);
        foreach (var (name, values) in new[] { ("coeff", coeff), ("sol", sol) })
            if (FirstNonFinite(values, gs) is { } problem) throw new Hdf5DataException(path, name, problem);

        if (reader.IsMatlab) return new DarcyDataset(coeff, sol, gs, take);
        var train = reader.TryReadAttribute("train", out int t) ? Math.Min(t, take) : take;
        return new DarcyDataset(coeff, sol, gs, train, Parameters(reader, subsample));
    }

    /// <summary>[N, g, g] in sample order, whatever the storage order; validates rank and squareness.</summary>
    private static long[] SampleShape(Hdf5Reader reader, string name)
    {
        var stored = reader.Shape(name);
        if (stored.Length != 3)
            throw new Hdf5DataException(reader.Path, name, $"has rank {stored.Length} (shape [{string.Join(", ", stored)}]); expected 3, [N, g, g].");
        var shape = reader.IsMatlab ? stored.Reverse().ToArray() : stored;
        if (shape[1] != shape[2] || shape[1] < 2)
            throw new Hdf5DataException(reader.Path, name, $"samples are {shape[1]}×{shape[2]}; expected square grids of at least 2×2.");
        return shape;
    }

    private static float[] ReadSamples(Hdf5Reader reader, string name, int take, int r, int gs)
    {
        if (!reader.IsMatlab)
            return Array.ConvertAll(reader.ReadDoubles(name, [0, 0, 0], [1, r, r], [take, gs, gs]), v => (float)v);

        // MATLAB's M(n, i, j) is stored at [j, i, n] (column-major): read the block, then reverse the axes.
        var stored = reader.ReadDoubles(name, [0, 0, 0], [r, r, 1], [gs, gs, take]);
        var values = new float[take * gs * gs];
        for (var j = 0; j < gs; j++)
            for (var i = 0; i < gs; i++)
                for (var n = 0; n < take; n++) values[(n * gs + i) * gs + j] = (float)stored[(j * gs + i) * take + n];
        return values;
    }

    private static DarcyGenerationParameters? Parameters(Hdf5Reader reader, int extraStride)
    {
        if (!reader.TryReadAttribute("format", out string format) || format != Format) return null;
        if (!(reader.TryReadAttribute("train", out int train) && reader.TryReadAttribute("test", out int test)
              && reader.TryReadAttribute("resolution", out int resolution) && reader.TryReadAttribute("subsample", out int subsample)
              && reader.TryReadAttribute("seed", out long seed))) return null;
        var p = new DarcyGenerationParameters(train, test, resolution, subsample * extraStride, seed);
        if (reader.TryReadAttribute("alpha", out double alpha)) p = p with { Alpha = alpha };
        if (reader.TryReadAttribute("tau", out double tau)) p = p with { Tau = tau };
        if (reader.TryReadAttribute("a_high", out double high)) p = p with { High = high };
        if (reader.TryReadAttribute("a_low", out double low)) p = p with { Low = low };
        if (reader.TryReadAttribute("tolerance", out double tolerance)) p = p with { Tolerance = tolerance };
        return p;
    }

    /// <summary>"sample n has a non-finite value … at (i, j)" for the first such value, or null.</summary>
    private static string? FirstNonFinite(float[] values, int g)
    {
        for (var k = 0; k < values.Length; k++)
            if (!float.IsFinite(values[k]))
            {
                var (n, ij) = Math.DivRem(k, g * g);
                return $"sample {n} has a non-finite value ({values[k]}) at ({ij / g}, {ij % g}).";
            }
        return null;
    }
}

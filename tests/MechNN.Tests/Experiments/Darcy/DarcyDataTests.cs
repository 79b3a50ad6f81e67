using System.Text;
using MechNN.Experiments.Darcy;
using MechNN.IO.Hdf5;
using PureHDF;

namespace MechNN.Tests.Experiments.Darcy;

public sealed class DarcyDataTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mechnn-darcy-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private static readonly DarcyGenerationParameters Small = new(3, 2, Resolution: 21, Subsample: 5, Seed: 7);

    [Fact]
    public void StridePicksExactlyTheStridedNodes()
    {
        const int s = 21, r = 5;
        var field = new double[s * s];
        for (var i = 0; i < s; i++)
            for (var j = 0; j < s; j++) field[i * s + j] = 1000 * i + j;
        var strided = new float[25];
        DarcySampler.Stride(field, s, r, strided);
        for (var i = 0; i < 5; i++)
            for (var j = 0; j < 5; j++) Assert.Equal(1000 * i * r + j * r, strided[i * 5 + j]);

        var data = new DarcyDataset(Enumerable.Range(0, 2 * 25).Select(v => (float)v).ToArray(), new float[50], 5, 2);
        var half = data.Subsample(2);
        Assert.Equal(3, half.GridSize);
        for (var n = 0; n < 2; n++)
            for (var i = 0; i < 3; i++)
                for (var j = 0; j < 3; j++) Assert.Equal(n * 25 + 2 * i * 5 + 2 * j, half.Coefficients[(n * 3 + i) * 3 + j]);
    }

    [Fact]
    public void SamplerStoresTheStridedFullResolutionFields()
    {
        var sampler = new DarcySampler(Small);
        var a = new float[25];
        var u = new float[25];
        sampler.Generate(0, a, u);
        for (var i = 0; i < 5; i++)
            for (var j = 0; j < 5; j++)
            {
                Assert.Equal((float)sampler.Coefficient[i * 5 * 21 + j * 5], a[i * 5 + j]);
                Assert.Equal((float)sampler.Solution[i * 5 * 21 + j * 5], u[i * 5 + j]);
            }
        Assert.All(a, v => Assert.True(v is 3f or 12f));
        // f = 1 > 0 makes u positive inside; the outermost cell centres come from the spline back from the nodes,
        // which may undershoot slightly below 0 next to the boundary (the recipe's "BC not 0"), so they are not checked.
        for (var i = 1; i < 4; i++)
            for (var j = 1; j < 4; j++) Assert.True(u[i * 5 + j] > 0, $"u({i}, {j}) = {u[i * 5 + j]}");
    }

    [Fact]
    public void GenerationDoesNotDependOnTheThreadCount()
    {
        var one = DarcyGenerator.Generate(Small, threads: 1);
        var two = DarcyGenerator.Generate(Small, threads: 2);
        Assert.Equal(one.Coefficients, two.Coefficients);
        Assert.Equal(one.Solutions, two.Solutions);
        Assert.Equal(3, one.TrainCount);
        Assert.Equal(2, one.TestCount);
        Assert.NotEqual(one.CoefficientsOf(0, 1), one.CoefficientsOf(1, 1)); // samples are different draws
        Assert.NotEqual(one.Coefficients, DarcyGenerator.Generate(Small with { Seed = 8 }, threads: 1).Coefficients);
    }

    [Fact]
    public void FileRoundTripsExactlyWithParameters()
    {
        var data = DarcyGenerator.Generate(Small, threads: 2);
        var path = PathOf("darcy.h5");
        DarcyDataFile.Write(path, data);
        Assert.Single(Directory.GetFiles(_dir)); // no temporary left behind

        var back = DarcyDataFile.Read(path);
        Assert.Equal(data.Coefficients, back.Coefficients);
        Assert.Equal(data.Solutions, back.Solutions);
        Assert.Equal(data.GridSize, back.GridSize);
        Assert.Equal(3, back.TrainCount);
        Assert.Equal(Small, back.Parameters);

        var part = DarcyDataFile.Read(path, subsample: 2, maxSamples: 4);
        Assert.Equal(4, part.Count);
        Assert.Equal(3, part.GridSize);
        Assert.Equal(data.Subsample(2).CoefficientsOf(0, 4), part.Coefficients);
        Assert.Equal(data.Subsample(2).SolutionsOf(0, 4), part.Solutions);
        Assert.Equal(10, part.Parameters!.Subsample);
    }

    [Fact]
    public void MatlabV73LayoutIsReadTransposedBack()
    {
        // MATLAB's coeff(n, i, j) (size [N, g, g], column-major) is HDF5 [g, g, N] with element [j, i, n]; the file
        // begins with MATLAB's 512-byte text header (an HDF5 user block). MATLAB chunks and deflates large arrays.
        const int count = 3, g = 5;
        static double Value(int n, int i, int j) => 100 * n + 10 * i + j;
        var coeff = new double[g * g * count];
        var sol = new double[g * g * count];
        for (var j = 0; j < g; j++)
            for (var i = 0; i < g; i++)
                for (var n = 0; n < count; n++)
                {
                    coeff[(j * g + i) * count + n] = Value(n, i, j);
                    sol[(j * g + i) * count + n] = -Value(n, i, j);
                }
        var path = PathOf("piececonst_r5_N3.mat");
        var file = new H5File
        {
            ["coeff"] = new H5Dataset(coeff, chunks: [2, g, count], fileDims: [g, g, count]),
            ["sol"] = new H5Dataset(sol, chunks: [2, g, count], fileDims: [g, g, count]),
        };
        file.Write(path, new H5WriteOptions(UserBlockSize: 512, Filters: [PureHDF.Filters.DeflateFilter.Id]));
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
            stream.Write(Encoding.ASCII.GetBytes("MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Mon Jan  1 00:00:00 2020 HDF5 schema 1.00 ."));

        var data = DarcyDataFile.Read(path);
        Assert.Equal(count, data.Count);
        Assert.Null(data.Parameters);
        for (var n = 0; n < count; n++)
            for (var i = 0; i < g; i++)
                for (var j = 0; j < g; j++)
                {
                    Assert.Equal(Value(n, i, j), data.Coefficients[(n * g + i) * g + j]);
                    Assert.Equal(-Value(n, i, j), data.Solutions[(n * g + i) * g + j]);
                }

        var strided = DarcyDataFile.Read(path, subsample: 2, maxSamples: 2);
        Assert.Equal(2, strided.Count);
        Assert.Equal(Value(1, 2, 4), strided.Coefficients[(1 * 3 + 1) * 3 + 2]);
    }

    [Fact]
    public void MatlabV5FileIsRefusedWithHowToConvert()
    {
        var path = PathOf("old.mat");
        File.WriteAllBytes(path, Encoding.ASCII.GetBytes("MATLAB 5.0 MAT-file, Platform: PCWIN64, Created on: ...".PadRight(128)));
        var ex = Assert.Throws<Hdf5DataException>(() => DarcyDataFile.Read(path));
        Assert.Contains("MATLAB v5", ex.Message);
        Assert.Contains("-v7.3", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void BadFilesGiveNamedErrors()
    {
        Assert.Contains("not found", Assert.Throws<Hdf5DataException>(() => DarcyDataFile.Read(PathOf("none.h5"))).Message);

        var text = PathOf("text.h5");
        File.WriteAllText(text, "coeff,sol\n1,2\n");
        Assert.Contains("not a readable HDF5 file", Assert.Throws<Hdf5DataException>(() => DarcyDataFile.Read(text)).Message);

        const int g = 3;
        var good = new double[2 * g * g];
        Assert.Contains("'sol': missing", Failure(new() { ["coeff"] = (good, [2, g, g]) }));
        Assert.Contains("rank 2", Failure(new() { ["coeff"] = (good, [2, g * g]), ["sol"] = (good, [2, g * g]) }));
        Assert.Contains("3×6", Failure(new() { ["coeff"] = (good, [1, g, 2 * g]), ["sol"] = (good, [1, g, 2 * g]) }));
        Assert.Contains("differs", Failure(new() { ["coeff"] = (good, [2, g, g]), ["sol"] = (new double[g * g], [1, g, g]) }));
        var bad = (double[])good.Clone();
        bad[g * g + 1 * g + 2] = double.NaN;
        var message = Failure(new() { ["coeff"] = (good, [2, g, g]), ["sol"] = (bad, [2, g, g]) });
        Assert.Contains("'sol'", message);
        Assert.Contains("sample 1", message);
        Assert.Contains("(1, 2)", message);

        Assert.Throws<ArgumentException>(() => DarcyDataFile.Read(Write("ok.h5", new() { ["coeff"] = (good, [2, g, g]), ["sol"] = (good, [2, g, g]) }), subsample: 3));
    }

    [Fact]
    public void WritingRefusesNonFiniteDataAndUnwritablePaths()
    {
        var data = new DarcyDataset([1, 2, 3, float.PositiveInfinity], [0, 0, 0, 0], 2, 1);
        Assert.Contains("sample 0", Assert.Throws<ArgumentException>(() => DarcyDataFile.Write(PathOf("x.h5"), data)).Message);
        Assert.Empty(Directory.GetFiles(_dir));
        Assert.Throws<IOException>(() => Hdf5Writer.EnsureWritable(Path.Combine(_dir, "missing", "x.h5")));
        Assert.Throws<IOException>(() => Hdf5Writer.EnsureWritable(_dir));
        Hdf5Writer.EnsureWritable(PathOf("fine.h5"));
        Assert.Empty(Directory.GetFiles(_dir)); // the probe leaves nothing
    }

    private string Write(string name, Dictionary<string, (double[] Data, ulong[] Dims)> datasets)
    {
        var path = PathOf(name);
        var file = new H5File();
        foreach (var (key, (values, dims)) in datasets) file[key] = new H5Dataset(values, fileDims: dims);
        file.Write(path);
        return path;
    }

    private string Failure(Dictionary<string, (double[] Data, ulong[] Dims)> datasets)
    {
        var ex = Assert.Throws<Hdf5DataException>(() => DarcyDataFile.Read(Write($"bad{Guid.NewGuid():N}.h5", datasets)));
        Assert.DoesNotContain('\n', ex.Message);
        return ex.Message;
    }
}

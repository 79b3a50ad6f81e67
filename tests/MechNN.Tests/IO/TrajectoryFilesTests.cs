using MechNN.IO.Csv;
using MechNN.IO.Hdf5;
using MechNN.IO.Npy;
using MechNN.IO.Trajectories;
using MechNN.Tests.IO.Npy;

namespace MechNN.Tests.IO;

public class TrajectoryFilesTests : NpyFixtures
{
    private static readonly Trajectory Sample = new(new[] { "x", "v" }, new[] { 0, 0.1, 0.25, 0.5 },
        new[] { new[] { 1.0, 2 }, new[] { 1.5, -1e-17 }, new[] { Math.PI, 3 }, new[] { 0.0, 4 } });

    [Theory]
    [InlineData("trajectory.npz")]
    [InlineData("trajectory_compressed.npz")]
    [InlineData("trajectory.h5")]
    public void ReadsWhatNumPyAndH5pyWrite(string name)
    {
        var read = TrajectoryFiles.Read(Fixture(name));
        Assert.Equal(new[] { "x0", "x1" }, read.Names);
        Assert.Equal(6, read.Times.Length);
        Assert.Equal(0.3, read.Times[3], 15);
        Assert.Equal(new[] { 0.7, 4.5 }, read.States[3]);
    }

    [Fact]
    public void AnHdf5DatasetPathFindsTheTimesBesideIt()
    {
        var read = TrajectoryFiles.Read(Fixture("trajectory.h5"), new TrajectoryReadOptions { Dataset = "runs/slow/x" });
        Assert.Equal(0.6, read.Times[3], 15);   // runs/slow/t is twice t
        Assert.Equal(0.7, read.States[3][0], 6); // float32 data, read as float64
    }

    [Fact]
    public void ANpyNeedsAStep()
    {
        var path = Path.Combine(Scratch, "x.npy");
        NpyFile.Write(path, new NpyArray(new[] { 1.0, 2, 3, 5, 4, 6 }, 3, 2));
        var ex = Assert.Throws<TrajectoryDataException>(() => TrajectoryFiles.Read(path));
        Assert.Equal(TrajectoryProblem.NoTimes, ex.Problem);
        Assert.Contains("no --dt", ex.Message);
        Assert.Equal(new[] { 0, 0.5, 1.0 }, TrajectoryFiles.Read(path, new TrajectoryReadOptions { Dt = 0.5 }).Times);
    }

    [Theory]
    [InlineData("a.csv")]
    [InlineData("a.npz")]
    [InlineData("a.h5")]
    [InlineData("a.hdf5")]
    public void RoundTripsWithTimes(string name)
    {
        var path = Path.Combine(Scratch, "sub", name);
        TrajectoryFiles.Write(path, Sample);
        var back = TrajectoryFiles.Read(path);
        Assert.Equal(Sample.Times, back.Times);
        Assert.Equal(Sample.States.SelectMany(s => s), back.States.SelectMany(s => s));
        // CSV and HDF5 keep the names; a .npz (numeric arrays only) names the states x0, x1, …
        Assert.Equal(name.EndsWith(".npz") ? new[] { "x0", "x1" } : Sample.Names, back.Names);
        Assert.Empty(Directory.GetFiles(Path.Combine(Scratch, "sub"), "*.tmp"));
    }

    [Fact]
    public void ANpyRoundTripKeepsTheStates()
    {
        var path = Path.Combine(Scratch, "a.npy");
        TrajectoryFiles.Write(path, Sample);
        Assert.False(TrajectoryFiles.StoresTimes(path));
        Assert.Equal(Sample.States.SelectMany(s => s), TrajectoryFiles.Read(path, new TrajectoryReadOptions { Dt = 1 }).States.SelectMany(s => s));
    }

    [Fact]
    public void ARankThreeArrayIsTheWrongRank()
    {
        var ex = Assert.Throws<TrajectoryDataException>(() => TrajectoryFiles.Read(Fixture("trajectory.h5"), new TrajectoryReadOptions { Dataset = "cube" }));
        Assert.Equal(TrajectoryProblem.WrongRank, ex.Problem);
        Assert.Contains("array 'cube': shape (2, 2, 2) is not a trajectory", ex.Message);
    }

    [Fact]
    public void AMissingDatasetIsNamed()
    {
        var h5 = Assert.Throws<Hdf5DataException>(() => TrajectoryFiles.Read(Fixture("trajectory.h5"), new TrajectoryReadOptions { Dataset = "states" }));
        Assert.Contains("dataset 'states': missing", h5.Message);
        var npz = Assert.Throws<NpyFormatException>(() => TrajectoryFiles.Read(Fixture("trajectory.npz"), new TrajectoryReadOptions { Dataset = "states" }));
        Assert.Equal(NpyProblem.MissingArray, npz.Problem);
    }

    [Fact]
    public void TimesThatDoNotFitAreNamed()
    {
        var shortTimes = Path.Combine(Scratch, "a.npz");
        NpzFile.Write(shortTimes, new Dictionary<string, NpyArray> { ["t"] = new(new[] { 0.0, 1 }, 2), ["x"] = new(new[] { 1.0, 2, 3 }, 3) });
        Assert.Equal(TrajectoryProblem.LengthMismatch, Assert.Throws<TrajectoryDataException>(() => TrajectoryFiles.Read(shortTimes)).Problem);
        var backwards = Path.Combine(Scratch, "b.npz");
        NpzFile.Write(backwards, new Dictionary<string, NpyArray> { ["time"] = new(new[] { 0.0, 2, 1 }, 3), ["x"] = new(new[] { 1.0, 2, 3 }, 3) });
        var ex = Assert.Throws<TrajectoryDataException>(() => TrajectoryFiles.Read(backwards));
        Assert.Equal(TrajectoryProblem.TimesNotIncreasing, ex.Problem);
        Assert.Contains("time[2] = 1 is not after time[1] = 2", ex.Message);
    }

    [Fact]
    public void ConstantAndNonFiniteStatesAreNamed()
    {
        var constant = Path.Combine(Scratch, "c.npy");
        NpyFile.Write(constant, new NpyArray(new[] { 1.0, 5, 2, 5, 3, 5 }, 3, 2));
        var ex = Assert.Throws<TrajectoryDataException>(() => TrajectoryFiles.Read(constant, new TrajectoryReadOptions { Dt = 1 }));
        Assert.Equal(TrajectoryProblem.ConstantState, ex.Problem);
        Assert.Contains("state 1 (x1) is constant", ex.Message);
        var nan = Path.Combine(Scratch, "n.npy");
        NpyFile.Write(nan, new NpyArray(new[] { 1.0, double.NaN, 3 }, 3));
        Assert.Equal(TrajectoryProblem.NonFinite, Assert.Throws<TrajectoryDataException>(() => TrajectoryFiles.Read(nan, new TrajectoryReadOptions { Dt = 1 })).Problem);
    }

    [Fact]
    public void NonFiniteValuesAreNotWritten()
    {
        var path = Path.Combine(Scratch, "a.npz");
        var bad = Sample with { States = [[1, 2], [double.PositiveInfinity, 0], [3, 4], [5, 6]] };
        var ex = Assert.Throws<ArgumentException>(() => TrajectoryFiles.Write(path, bad));
        Assert.Contains("x[1, 0] (x) is ∞", ex.Message);
        Assert.Empty(Directory.GetFiles(Scratch));
    }

    [Fact]
    public void UnknownExtensionsAndMisplacedDatasetsAreRefused()
    {
        Assert.Contains("'.txt' is not a trajectory format; use .csv, .npy, .npz, .h5, .hdf5",
            Assert.Throws<ArgumentException>(() => TrajectoryFiles.Read("a.txt")).Message);
        Assert.Contains("--dataset names an array inside a .npz or HDF5 file",
            Assert.Throws<ArgumentException>(() => TrajectoryFiles.Read("a.csv", new TrajectoryReadOptions { Dataset = "x" })).Message);
    }

    [Fact]
    public void TooFewSamplesAreNamed()
    {
        var ex = Assert.Throws<TrajectoryDataException>(() => TrajectoryFiles.Read(Fixture("trajectory.npz"), new TrajectoryReadOptions { MinimumRows = 50 }));
        Assert.Equal(TrajectoryProblem.TooFewSamples, ex.Problem);
        Assert.Contains("6 samples; at least 50 are needed", ex.Message);
    }
}

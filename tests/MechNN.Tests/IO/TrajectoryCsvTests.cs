using MechNN.IO.Csv;

namespace MechNN.Tests.IO;

public class TrajectoryCsvTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mechnn-csv").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void RoundTripsExactly()
    {
        var original = new Trajectory(new[] { "x", "y" }, new[] { 0, 0.1, 0.25 }, new[] { new[] { 1.0, 2 }, new[] { 1.5, -1e-17 }, new[] { Math.PI, 3 } });
        var path = Path.Combine(_dir, "sub", "traj.csv");
        TrajectoryCsv.Write(path, original);
        var read = TrajectoryCsv.Read(path);
        Assert.Equal(original.Names, read.Names);
        Assert.Equal(original.Times, read.Times);
        Assert.Equal(original.States.SelectMany(r => r), read.States.SelectMany(r => r));
        Assert.Empty(Directory.GetFiles(Path.Combine(_dir, "sub"), "*.tmp"));
    }

    [Fact]
    public void WithoutATimeColumnTheStepIsUsed()
    {
        var read = TrajectoryCsv.Read(Write("a.csv", "x,y\n1,2\n2,3\n4,1\n"), dt: 0.5);
        Assert.Equal(new[] { 0, 0.5, 1.0 }, read.Times);
    }

    [Theory]
    [InlineData("t,x\n0,1\n0.1,\n0.2,3\n", "row 3, column 'x': missing value")]
    [InlineData("t,x\n0,1\n0.1,abc\n0.2,3\n", "row 3, column 'x': 'abc' is not a finite number")]
    [InlineData("t,x\n0,1\n0.2,2\n0.1,3\n", "row 4, column 't': time 0.1 is not after 0.2")]
    [InlineData("t,x\n0,1\n0.1,2\n0.1,3\n", "row 4, column 't': duplicate time 0.1")]
    [InlineData("t,x\n0,1\n0.1,2\n", "2 data rows; at least 3 are needed")]
    [InlineData("t,x,y\n0,1,5\n0.1,2,5\n0.2,3,5\n", "column 'y': the column is constant")]
    [InlineData("t,x\n0,1\n0.1,2,7\n0.2,3\n", "row 3")]
    [InlineData("x,y\n1,2\n2,3\n3,4\n", "no 't' or 'time' column and no --dt given")]
    public void BadFilesNameTheFileRowAndColumn(string text, string expected)
    {
        var path = Write("bad.csv", text);
        var ex = Assert.Throws<TrajectoryCsvException>(() => TrajectoryCsv.Read(path));
        Assert.StartsWith(path, ex.Message);
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void TrajectoriesWithDifferentColumnsAreRefused()
    {
        var a = Write("a.csv", "t,x,y\n0,1,2\n1,2,3\n2,3,5\n");
        var b = Write("b.csv", "t,x,z\n0,1,2\n1,2,3\n2,3,5\n");
        var ex = Assert.Throws<FormatException>(() => MechNN.IO.Trajectories.TrajectoryFiles.ReadAll(new[] { a, b }));
        Assert.Contains("states (x, z) differ", ex.Message);
    }
    [Theory]
    [InlineData("t,x0,x0\n0,1,2\n1,2,3\n2,3,5\n", "row 1, column 'x0': duplicate column name (columns #2 and #3)")]
    [InlineData("t,x,T\n0,1,2\n1,2,3\n2,3,5\n", "row 1, column 'T': duplicate column name (columns #1 and #3)")]
    [InlineData("t;x\n0;1\n1;2\n2;3\n", "row 1 has 1 column ('t;x'): is the separator ';'?")]
    [InlineData("t\tx\n0\t1\n1\t2\n2\t3\n", "is the separator tab?")]
    [InlineData("t,x\n0,1\n1,\"2\n2,3\n3,4\n", "row 3, column 'x': unclosed quote")]
    [InlineData("\"t,x\n0,1\n1,2\n2,3\n", "row 1: unclosed quote")]
    public void ConfusingFilesSayWhatWasFound(string text, string expected)
    {
        var path = Write("bad.csv", text);
        var ex = Assert.Throws<TrajectoryCsvException>(() => TrajectoryCsv.Read(path));
        Assert.StartsWith(path, ex.Message);
        Assert.Contains(expected, ex.Message);
    }

    [Theory]
    [InlineData(double.NaN, "row 3, column 'y': NaN")]
    [InlineData(double.PositiveInfinity, "row 3, column 'y': ∞")]
    public void WriteRefusesNonFiniteValuesNamingRowAndColumn(double bad, string expected)
    {
        var trajectory = new Trajectory(new[] { "x", "y" }, new[] { 0, 0.1, 0.2 }, new[] { new[] { 1.0, 2 }, new[] { 1.5, bad }, new[] { 2.0, 3 } });
        var path = Path.Combine(_dir, "nan.csv");
        var ex = Assert.Throws<ArgumentException>(() => TrajectoryCsv.Write(path, trajectory));
        Assert.Contains(expected, ex.Message);
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }

    [Fact]
    public void WriteRefusesANonFiniteTime()
    {
        var trajectory = new Trajectory(new[] { "x" }, new[] { 0, double.NaN, 0.2 }, new[] { new[] { 1.0 }, new[] { 1.5 }, new[] { 2.0 } });
        var ex = Assert.Throws<ArgumentException>(() => TrajectoryCsv.Write(Path.Combine(_dir, "t.csv"), trajectory));
        Assert.Contains("row 3, column 't'", ex.Message);
    }
}

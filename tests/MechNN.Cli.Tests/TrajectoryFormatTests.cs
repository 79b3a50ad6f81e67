namespace MechNN.Cli.Tests;

/// <summary>datagen, discover and simulate on .npy, .npz and HDF5 trajectories, chosen by extension.</summary>
[Collection(CliCollection.Name)]
public sealed class TrajectoryFormatTests : TempFolderTest
{
    [Theory]
    [InlineData("lorenz.npz")]
    [InlineData("lorenz.h5")]
    public void Datagen_then_discover_reads_the_times_from_the_file(string name)
    {
        var data = In(name);
        Assert.Equal(0, Mechnn.Run("datagen", "lorenz", "--steps", "2000", "--dt", "0.005", "-o", data).ExitCode);
        var r = Mechnn.Run("discover", data, "--method", "sindy");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("(x0)' = -9.99", r.Out);
    }

    [Fact]
    public void A_npy_holds_the_states_and_discover_needs_its_step()
    {
        var data = In("lorenz.npy");
        var g = Mechnn.Run("datagen", "lorenz", "--steps", "2000", "--dt", "0.005", "-o", data);
        Assert.Equal(0, g.ExitCode);
        Assert.Contains("read it back with --dt 0.005", g.Out);
        var without = Mechnn.Run("discover", data, "--method", "sindy");
        Assert.Equal(CliErrors.BadInput, without.ExitCode);
        Assert.Contains("lorenz.npy: no times (a .npy holds only the states) and no --dt given", without.Err);
        var with = Mechnn.Run("discover", data, "--method", "sindy", "--dt", "0.005");
        Assert.Equal(0, with.ExitCode);
        Assert.Contains("(x0)' = -9.99", with.Out);
    }

    [Fact]
    public void Discover_takes_a_dataset_path_and_names_a_missing_one()
    {
        var data = In("runs.h5");
        Assert.Equal(0, Mechnn.Run("datagen", "lorenz", "--steps", "200", "-o", data).ExitCode);
        var r = Mechnn.Run("discover", data, "--method", "sindy", "--dataset", "runs/a/x");
        Assert.Equal(CliErrors.BadInput, r.ExitCode);
        Assert.Contains("runs.h5, dataset 'runs/a/x': missing", r.Err);
    }

    [Fact]
    public void Simulate_writes_the_format_of_its_extension()
    {
        var data = In("lorenz.csv");
        var model = In("model.json");
        Assert.Equal(0, Mechnn.Run("datagen", "lorenz", "--steps", "2000", "--dt", "0.005", "-o", data).ExitCode);
        Assert.Equal(0, Mechnn.Run("discover", data, "--method", "sindy", "-o", model).ExitCode);
        var simulated = In("sim.npz");
        Assert.Equal(0, Mechnn.Run("simulate", model, "--x0", "1,1,1", "--t1", "0.5", "--dt", "0.1", "-o", simulated).ExitCode);
        var arrays = MechNN.IO.Npy.NpzFile.Read(simulated);
        Assert.Equal(new long[] { 6, 3 }, arrays["x"].Shape);
    }

    [Fact]
    public void An_unknown_extension_fails_before_any_work()
    {
        var r = Mechnn.Run("datagen", "lorenz", "-o", In("lorenz.txt"));
        Assert.Equal(CliErrors.BadInput, r.ExitCode);
        Assert.Contains("--output", r.Err);
        Assert.Contains("'.txt' is not a trajectory format", r.Err);
        Assert.Empty(Directory.GetFiles(Dir));
    }

    [Fact]
    public void A_malformed_npy_is_one_line_with_exit_2()
    {
        var path = In("objects.npy");
        var header = "{'descr': '|O', 'fortran_order': False, 'shape': (2,), }".PadRight(117) + "\n";
        File.WriteAllBytes(path, [0x93, .. "NUMPY"u8.ToArray(), 1, 0, 118, 0, .. System.Text.Encoding.ASCII.GetBytes(header), 0x80, 3]);
        var r = Mechnn.Run("discover", path, "--dt", "0.1");
        Assert.Equal(CliErrors.BadInput, r.ExitCode);
        Assert.Contains("objects.npy: an object array", r.Err);
        Assert.Single(r.Err.Trim().Split('\n'));
    }
}

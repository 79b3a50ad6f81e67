using MechNN.Cli.Commands;

namespace MechNN.Cli.Tests;

/// <summary>Sizes that cannot fit are refused before any work; a trained model whose --save fails at the end is kept.</summary>
[Collection(CliCollection.Name)]
public sealed class SizeAndSaveTests : TempFolderTest, IDisposable
{
    // A fixed 8 GiB machine: the refusals below must not depend on the machine the tests run on.
    private const long Machine = 8L << 30;

    public SizeAndSaveTests() => MemoryCheck.Available = () => Machine;

    void IDisposable.Dispose()
    {
        MemoryCheck.Available = () => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        SavedModel.BeforeWrite = null;
        Dispose();
    }

    private static void AssertRefused(CliResult r, string request, string change)
    {
        Assert.Equal(CliErrors.BadInput, r.ExitCode);
        var line = Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: {request} needs at least ", line);
        Assert.Contains(" GiB (", line);
        Assert.Contains("this machine has 8.0 GiB (8,589,934,592 bytes)", line);
        Assert.EndsWith($"{change}.", line.Trim());
    }

    [Fact]
    public void Classify_with_two_billion_training_points_is_refused_with_the_memory_it_needs()
    {
        var r = Mechnn.RunIn(Dir, "classify", "circles", "--train", "2000000000", "--epochs", "1");
        AssertRefused(r, "--train 2,000,000,000 --test 1,000", "lower --train (or --test)");
        Assert.Contains("5245.2 GiB", r.Err);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Dir));
    }

    [Fact]
    public void Datagen_steps_that_cannot_fit_are_refused()
    {
        var r = Mechnn.Run("datagen", "lorenz", "--steps", "2000000000", "-o", In("x.csv"));
        AssertRefused(r, "--steps 2,000,000,000", "lower --steps");
        Assert.False(File.Exists(In("x.csv")));
    }

    [Fact]
    public void Datagen_n_body_steps_times_bodies_that_cannot_fit_are_refused()
    {
        var r = Mechnn.Run("datagen", "n-body", "--steps", "100000000", "--bodies", "100", "-o", In("x.csv"));
        AssertRefused(r, "--steps 100,000,000 --bodies 100", "lower --steps (or --bodies)");
    }

    /// <summary>A SINDy model of a short Lorenz run, for simulate.</summary>
    private string LorenzModel()
    {
        var data = In("lorenz.csv");
        Assert.Equal(0, Mechnn.Run("datagen", "lorenz", "--steps", "2000", "--dt", "0.005", "-o", data).ExitCode);
        var model = In("lorenz.json");
        Assert.Equal(0, Mechnn.Run("discover", data, "--method", "sindy", "-o", model).ExitCode);
        return model;
    }

    [Fact]
    public void Simulate_spans_that_cannot_fit_are_refused()
    {
        var model = LorenzModel();
        var r = Mechnn.Run("simulate", model, "--x0", "1,1,1", "--t1", "1e12", "--dt", "0.01", "-o", In("sim.csv"));
        AssertRefused(r, "--t1 1E+12 --dt 0.01 (100,000,000,000,001 samples)", "lower --t1 or raise --dt");
    }

    [Fact]
    public void Simulate_with_more_samples_than_an_array_holds_is_refused_even_where_memory_suffices()
    {
        MemoryCheck.Available = () => long.MaxValue;
        var model = LorenzModel();
        var r = Mechnn.Run("simulate", model, "--x0", "1,1,1", "--t1", "1e8", "--dt", "0.01", "-o", In("sim.csv"));
        Assert.Equal(CliErrors.BadInput, r.ExitCode);
        Assert.Contains("10,000,000,001 samples are more than one trajectory can hold", r.Err);
    }

    [Fact]
    public void Bench_sine_points_that_cannot_fit_are_refused()
    {
        var r = Mechnn.RunIn(Dir, "bench", "sine", "--points", "2000000000");
        AssertRefused(r, "--points 2,000,000,000 --iterations 100", "lower --points (or --iterations)");
    }

    [Fact]
    public void Two_body_steps_that_cannot_fit_are_refused()
    {
        var r = Mechnn.RunIn(Dir, "fit", "two-body", "--steps", "100000000");
        AssertRefused(r, "--steps 100,000,000", "lower --steps");
    }

    [Fact]
    public void Two_body_step_budget_is_named_as_a_budget_up_front_not_a_divergence()
    {
        // Where memory suffices, 2·10⁸ samples still cannot fit the integrator's 10⁷-step budget: refused before work.
        MemoryCheck.Available = () => long.MaxValue;
        var r = Mechnn.RunIn(Dir, "fit", "two-body", "--steps", "100000000");
        Assert.Equal(CliErrors.BadInput, r.ExitCode);
        Assert.DoesNotContain("diverge", r.Err);
        Assert.Contains("--steps must be ≤ 5,000,000 (got 100,000,000): its 200,000,000 samples need at least as many integration steps, " +
            "more than the generator's budget of 10,000,000", r.Err);
    }

    /// <summary>After the checks, the --save folder is replaced by a file: the write at the end of the run fails.</summary>
    private static void BlockFolderOf(string path)
    {
        var folder = Path.GetDirectoryName(path)!;
        SavedModel.BeforeWrite = p =>
        {
            Assert.Equal(path, p);
            Directory.Delete(folder, recursive: true);
            File.WriteAllText(folder, "in the way");
        };
    }

    [Fact]
    public void Classify_keeps_the_trained_model_in_the_current_folder_when_save_fails_at_the_end()
    {
        var save = In("models/mnn.json");
        Directory.CreateDirectory(Path.GetDirectoryName(save)!);
        BlockFolderOf(save);
        var r = Mechnn.RunIn(Dir, [.. TrainedCircles.Tiny, "--save", save]);
        Assert.Equal(CliErrors.BadInput, r.ExitCode);
        var fallback = In("mnn.unsaved.json");
        var line = Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: --save {save} could not be written at the end of the run (", line);
        Assert.EndsWith($"the trained model was written to {fallback} instead", line.Trim());
        // The fallback is a complete model file: it loads and evaluates.
        SavedModel.BeforeWrite = null;
        var loaded = Mechnn.RunIn(Dir, "classify", "circles", "--train", "20", "--test", "20", "--load", fallback);
        Assert.Equal(0, loaded.ExitCode);
    }

    [Fact]
    public void Two_body_fallback_never_overwrites_a_file_and_uses_the_same_helper()
    {
        var save = In("out/two-body.json");
        Directory.CreateDirectory(Path.GetDirectoryName(save)!);
        File.WriteAllText(In("two-body.unsaved.json"), "an earlier rescue");
        BlockFolderOf(save);
        var r = Mechnn.RunIn(Dir, "fit", "two-body", "--iterations", "1", "--steps", "100", "--save", save, "--out", In("fit.json"));
        Assert.Equal(CliErrors.BadInput, r.ExitCode);
        Assert.Contains($"the trained model was written to {In("two-body.unsaved-2.json")} instead", r.Err);
        Assert.Equal("an earlier rescue", File.ReadAllText(In("two-body.unsaved.json")));
        Assert.Contains("\"kind\"", File.ReadAllText(In("two-body.unsaved-2.json")));
    }
}

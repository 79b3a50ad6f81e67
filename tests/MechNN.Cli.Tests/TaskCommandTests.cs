using System.Globalization;
using MechNN.IO;

namespace MechNN.Cli.Tests;

/// <summary>The paper-task commands at tiny sizes: save, load, and their bad-input cases.</summary>
[Collection(CliCollection.Name)]
public sealed class TaskCommandTests : TempFolderTest, IClassFixture<TrainedCircles>
{
    private readonly TrainedCircles _circles;

    public TaskCommandTests(TrainedCircles circles) => _circles = circles;

    [Fact]
    public void Circles_training_run_without_out_saved_the_model_and_wrote_its_result_into_the_current_directory()
    {
        Assert.Equal(0, _circles.Training.ExitCode);
        Assert.Contains("wrote classify-circles.json", _circles.Training.Out);
        Assert.True(File.Exists(Path.Combine(_circles.Dir, "classify-circles.json")));
        Assert.StartsWith("mechnn classify circles --train 20", ResultFile.ReadProvenance(Path.Combine(_circles.Dir, "classify-circles.json")).Command);
        Assert.Contains("\"format\":\"mechnn-model\"", File.ReadAllText(_circles.Model));
    }

    [Fact]
    public void Circles_load_gives_the_same_accuracies_and_records_no_result_unless_asked()
    {
        var loaded = Mechnn.RunIn(Dir, [.. TrainedCircles.Tiny, "--load", _circles.Model]);
        Assert.Equal(0, loaded.ExitCode);
        Assert.Equal(MnnAccuracies(_circles.Training.Out), MnnAccuracies(loaded.Out));
        Assert.DoesNotContain("Neural ODE", loaded.Out);   // the baselines are not saved, so not evaluated
        Assert.Empty(Directory.GetFiles(Dir));
    }

    [Fact]
    public void Circles_load_of_a_truncated_model_file_is_bad_input()
    {
        var text = File.ReadAllText(_circles.Model);
        var model = In("circles.json");
        File.WriteAllText(model, text[..(text.Length / 2)]);
        var r = Mechnn.Run([.. TrainedCircles.Tiny, "--load", model]);
        Assert.Equal(CliErrors.BadInput, r.ExitCode);
        Assert.Contains("circles.json: not a readable MechNN model file (truncated or corrupt", r.Err);
    }

    /// <summary>The train and test accuracy cells of the MNN row of the circles table.</summary>
    private static string[] MnnAccuracies(string output)
    {
        // The table row, not a progress line (whose rendering depends on timing).
        var row = output.Split('\n').Single(l => l.TrimStart().StartsWith("│ MNN", StringComparison.Ordinal));
        return row.Split('│', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(2).ToArray();
    }

    [Fact]
    public void A_plot_prefix_under_a_regular_file_is_refused_before_training()
    {
        File.WriteAllText(In("file.txt"), "");
        var r = Mechnn.Run([.. TrainedCircles.Tiny, "--plot", In("file.txt/circles")]);
        Assert.Equal(CliErrors.BadInput, r.ExitCode);
        Assert.Contains($"--plot {In("file.txt/circles")}-*.png: {In("file.txt")} is a file, not a folder", r.Err);
        Assert.DoesNotContain("│ MNN", r.Out);
    }

    [Fact]
    public void Save_and_load_together_are_refused()
    {
        var r = Mechnn.Run([.. TrainedCircles.Tiny, "--save", In("a.json"), "--load", In("b.json")]);
        Assert.Equal(CliErrors.BadInput, r.ExitCode);
        Assert.Contains("--save and --load exclude each other", r.Err);
    }

    [Fact]
    public void Two_body_tiny_run_saves_the_model_and_records_the_forecast()
    {
        var model = In("two-body.json");
        var result = In("fit-two-body.json");
        var r = Mechnn.Run("fit", "two-body", "--iterations", "1", "--steps", "100", "--save", model, "--out", result);
        Assert.Equal(0, r.ExitCode);
        Assert.True(File.Exists(model));
        Assert.Contains("c₂/c₁", r.Out);
        // The whole invocation is recorded (a Skip(4) once dropped its first argument).
        Assert.Equal($"mechnn fit two-body --iterations 1 --steps 100 --save {model} --out {result}", ResultFile.ReadProvenance(result).Command);
        Assert.Contains("\"forecastRmse\"", File.ReadAllText(result));
    }

    [Fact]
    public void Two_body_rejects_too_few_steps()
    {
        var r = Mechnn.Run("fit", "two-body", "--steps", "10", "--out", In("x.json"));
        Assert.Equal(CliErrors.BadInput, r.ExitCode);
        Assert.Contains("--steps must be ≥ 100", r.Err);
    }

    [Fact]
    public void F16_names_a_missing_record()
    {
        var r = Mechnn.Run("fit", "f16", In("F16Data.csv"), "--out", In("x.json"));
        Assert.Equal(CliErrors.BadInput, r.ExitCode);
        Assert.Contains("F16Data.csv: F-16 record not found", r.Err);
    }

    [Fact]
    public void F16_save_with_only_sonode_is_refused_before_reading_data()
    {
        var r = Mechnn.Run("fit", "f16", In("absent.csv"), "--models", "sonode", "--save", In("m.json"));
        Assert.Equal(CliErrors.BadInput, r.ExitCode);
        Assert.Contains("--save writes an MNN model", r.Err);
    }

    [Fact]
    public void F16_tiny_run_on_a_synthetic_record_saves_the_kept_model_and_loads_it()
    {
        // A damped oscillator driven by a sine sweep, in the benchmark's column layout; 5,000 samples as the protocol needs.
        var data = In("f16.csv");
        using (var w = new StreamWriter(data))
        {
            w.WriteLine("Force,Voltage,Acceleration1,Acceleration2,Acceleration3");
            double x = 0, v = 0;
            for (int i = 0; i < 5000; i++)
            {
                double a1 = Math.Sin(0.02 * i + 1e-5 * i * i);
                double acc = a1 - 0.1 * v - 0.05 * x;
                v += acc;
                x += v;
                w.WriteLine(string.Join(',', new[] { 0, 0, a1, 0.1 * x, 0 }.Select(c => c.ToString("R", CultureInfo.InvariantCulture))));
            }
        }
        var model = In("f16-model.json");
        var r = Mechnn.Run("fit", "f16", data, "--iterations", "1", "--seeds", "1", "--models", "linear,sonode", "--save", model, "--out", In("fit.json"));
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("the linear model of the seed with the lowest train MSE", r.Out);
        var loaded = Mechnn.Run("fit", "f16", data, "--load", model);
        Assert.Equal(0, loaded.ExitCode);
        Assert.Contains("– (loaded)", loaded.Out);   // evaluated, not trained: no iterations to reach SONODE's loss
        Assert.DoesNotContain("SONODE (", loaded.Out);  // and the baseline, not saved, is not in the table
    }
}

/// <summary>One tiny circles training run (with --save, without --out, in its own folder as the current directory), shared by the tests that load it.</summary>
public sealed class TrainedCircles : IDisposable
{
    public static readonly string[] Tiny = { "classify", "circles", "--train", "20", "--test", "20", "--epochs", "1" };

    public TrainedCircles()
    {
        Dir = Directory.CreateTempSubdirectory("mechnn-cli-circles-").FullName;
        Model = Path.Combine(Dir, "models", "circles.json");
        Training = Mechnn.RunIn(Dir, [.. Tiny, "--save", Model]);
    }

    public string Dir { get; }
    public string Model { get; }
    public CliResult Training { get; }

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}

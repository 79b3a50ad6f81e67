using MechNN.Discovery;
using MechNN.IO.ModelFiles;

namespace MechNN.Cli.Tests;

/// <summary>datagen → discover → simulate, and their bad-input cases.</summary>
[Collection(CliCollection.Name)]
public sealed class DataCommandTests : TempFolderTest
{
    private string Lorenz(int steps)
    {
        var path = In("lorenz.csv");
        Assert.Equal(0, Mechnn.Run("datagen", "lorenz", "--steps", steps.ToString(), "-o", path).ExitCode);
        return path;
    }

    [Fact]
    public void Datagen_writes_a_csv_with_a_header_and_one_row_per_sample()
    {
        var path = In("lorenz.csv");
        var r = Mechnn.Run("datagen", "lorenz", "--steps", "50", "-o", path);
        Assert.Equal(0, r.ExitCode);
        var lines = File.ReadAllLines(path);
        Assert.Equal("t,x0,x1,x2", lines[0]);
        Assert.Equal(51, lines.Length);
        Assert.Equal("0,1,1,1", lines[1]);
        Assert.Empty(Directory.GetFiles(Dir, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void Datagen_rejects_negative_noise_with_exit_2_and_writes_nothing()
    {
        var path = In("never.csv");
        var r = Mechnn.Run("datagen", "lorenz", "--noise", "-1", "-o", path);
        Assert.Equal(CliErrors.BadInput, r.ExitCode);
        Assert.Contains("--noise", r.Err);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Datagen_into_a_path_under_a_regular_file_fails_before_any_work()
    {
        File.WriteAllText(In("file.txt"), "not a folder");
        var r = Mechnn.Run("datagen", "lorenz", "-o", In("file.txt/x.csv"));
        Assert.Equal(CliErrors.BadInput, r.ExitCode);
        Assert.Contains("--output", r.Err);
        Assert.Contains("file.txt is a file, not a folder", r.Err);
        Assert.DoesNotContain("wrote", r.Out);
    }

    [Theory]
    [InlineData("bogus", "16", "--ode-axis")]
    [InlineData("space", "18", "--width")]
    [InlineData("space", "16", "--steps")]
    public void Fit_darcy_names_a_bad_ode_axis_or_a_width_it_cannot_split_with_exit_2(string axis, string width, string named)
    {
        var out_ = In("never.json");
        var extra = named == "--steps" ? new[] { "--steps", "20" } : Array.Empty<string>();
        var r = Mechnn.Run(new[] { "fit", "darcy", In("missing.h5"), "--ode-axis", axis, "--width", width, "--out", out_ }.Concat(extra).ToArray());
        Assert.Equal(CliErrors.BadInput, r.ExitCode);
        var line = Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(named, line);
        Assert.False(File.Exists(out_));
    }

    [Fact]
    public void Discover_names_a_missing_file_with_exit_2()
    {
        var r = Mechnn.Run("discover", In("missing.csv"));
        Assert.Equal(CliErrors.BadInput, r.ExitCode);
        Assert.Contains("missing.csv", r.Err);
        Assert.Contains("not found", r.Err);
    }

    [Fact]
    public void Discover_mnn_with_a_window_shorter_than_the_order_is_an_option_error_before_any_work()
    {
        var path = Lorenz(60);
        var r = Mechnn.Run("discover", path, "--method", "mnn", "--window", "2");
        Assert.Equal(CliErrors.BadInput, r.ExitCode);
        Assert.Equal("error: window must be ≥ 3 (at least 2 and the order, 3: shorter windows leave the per-window ODE undetermined; or -1 for automatic) (got 2)", r.Err.Trim());
    }

    [Fact]
    public void Discover_refuses_a_negative_precision_before_any_work()
    {
        var r = Mechnn.Run("discover", Lorenz(60), "--method", "sindy", "--precision", "-1");
        Assert.Equal(CliErrors.BadInput, r.ExitCode);
        Assert.Equal("error: --precision must be 0 to 15 significant digits (got -1).", r.Err.Trim());
        Assert.DoesNotContain("R²", r.Out);
    }

    [Fact]
    public void Discover_names_an_unknown_library_flag()
    {
        var path = Lorenz(60);
        var r = Mechnn.Run("discover", path, "--method", "sindy", "--library", "poly:2:bogus");
        Assert.Equal(CliErrors.BadInput, r.ExitCode);
        Assert.Contains("unknown flag 'bogus' (accepted: nobias, interaction)", r.Err);
    }

    [Theory]
    [InlineData("fit.jpg", new byte[] { 0xFF, 0xD8, 0xFF })]
    [InlineData("fit.PNG", new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' })]
    [InlineData("fit.bmp", new byte[] { (byte)'B', (byte)'M' })]
    [InlineData("fit.webp", new byte[] { (byte)'R', (byte)'I', (byte)'F', (byte)'F' })]
    public void Discover_plot_is_written_in_the_format_its_extension_names(string name, byte[] magic)
    {
        var data = Lorenz(200);
        var r = Mechnn.Run("discover", data, "--method", "sindy", "--plot", In(name));
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(magic, File.ReadAllBytes(In(name)).Take(magic.Length));
    }

    [Theory]
    [InlineData("fit.svg")]
    [InlineData("fit")]
    public void Discover_refuses_a_plot_extension_it_cannot_write_before_any_work(string name)
    {
        var data = Lorenz(200);
        var r = Mechnn.Run("discover", data, "--method", "sindy", "--plot", In(name));
        Assert.Equal(CliErrors.BadInput, r.ExitCode);
        Assert.Contains($"--plot {In(name)}: the image format is taken from the extension; use one of .png, .jpg, .jpeg, .bmp, .webp", r.Err);
        Assert.DoesNotContain("(x0)'", r.Out);   // no discovery ran
        Assert.False(File.Exists(In(name)));
    }

    [Fact]
    public void Discover_names_the_row_of_a_malformed_csv()
    {
        var path = In("bad.csv");
        File.WriteAllText(path, "t,x\n0,1\n0.1,2\n0.2,oops\n0.3,4\n");
        var r = Mechnn.Run("discover", path, "--method", "sindy");
        Assert.Equal(CliErrors.BadInput, r.ExitCode);
        Assert.Contains("bad.csv, row 4, column 'x'", r.Err);
        Assert.Contains("'oops' is not a finite number", r.Err);
    }

    [Fact]
    public void Discover_with_sindy_finds_the_lorenz_equations_and_saves_a_model_that_simulate_integrates()
    {
        var data = In("lorenz.csv");
        Assert.Equal(0, Mechnn.Run("datagen", "lorenz", "--steps", "2000", "--dt", "0.005", "-o", data).ExitCode);
        var model = In("models/lorenz.json");
        var r = Mechnn.Run("discover", data, "--method", "sindy", "-o", model);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("(x0)' = -9.99", r.Out);          // σ = 10 from finite differences of noise-free data
        Assert.Contains("+  0.999 x0 x1", r.Out);
        Assert.True(File.Exists(model));

        var simulated = In("sim.csv");
        var s = Mechnn.Run("simulate", model, "--x0", "1,1,1", "--t1", "0.5", "--dt", "0.1", "-o", simulated);
        Assert.Equal(0, s.ExitCode);
        Assert.Equal(7, File.ReadAllLines(simulated).Length);   // header + t = 0, 0.1, …, 0.5
    }

    [Fact]
    public void Discover_mnn_says_what_it_chose_including_the_trajectory_refit_and_no_refit_skips_it()
    {
        var data = In("sho-mnn.csv");
        Assert.Equal(0, Mechnn.Run("datagen", "linear-sho", "--steps", "1000", "--noise", "0.01", "-o", data).ExitCode);
        var r = Mechnn.Run("discover", data, "--method", "mnn");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("chosen by BIC", r.Out);
        Assert.Matches(@"refit on the model's trajectory: \d+ Gauss–Newton steps, weighted misfit × 0\.\d+, 0 terms pruned", r.Out);
        var skipped = Mechnn.Run("discover", data, "--method", "mnn", "--no-refit");
        Assert.Equal(0, skipped.ExitCode);
        Assert.DoesNotContain("refit", skipped.Out);
    }

    [Fact]
    public void Discover_quiet_prints_only_the_equations_and_sympy_json_formats_keep_stdout_parsable()
    {
        var data = In("sho.csv");
        Assert.Equal(0, Mechnn.Run("datagen", "linear-sho", "--steps", "1000", "-o", data).ExitCode);
        var quiet = Mechnn.Run("discover", data, "--method", "sindy", "--library", "poly:2", "--threshold", "0.05", "--quiet");
        Assert.Equal(0, quiet.ExitCode);
        Assert.Equal(new[] { "(x0)' = -0.100 x0 +  2.000 x1", "(x1)' = -2.000 x0 + -0.100 x1" }, quiet.Out.TrimEnd().Split(Environment.NewLine));
        var loud = Mechnn.Run("discover", data, "--method", "sindy", "--library", "poly:2", "--threshold", "0.05");
        Assert.Matches(@"(?m)^R² = [01]\.\d{6} ", loud.Out);
        var sympy = Mechnn.Run("discover", data, "--method", "sindy", "--library", "poly:2", "--threshold", "0.05", "--format", "sympy");
        var lines = sympy.Out.TrimEnd().Split(Environment.NewLine);
        Assert.Equal(2, lines.Length);
        Assert.Matches(@"^-0\.\d+\*x0 \+ [12]\.\d+\*x1$", lines[0]);
        Assert.Contains("R² = ", sympy.Err);
        var json = Mechnn.Run("discover", data, "--method", "sindy", "--library", "poly:2", "--threshold", "0.05", "--format", "json");
        using var doc = System.Text.Json.JsonDocument.Parse(json.Out);
        Assert.Equal(0.05, doc.RootElement.GetProperty("threshold").GetDouble());
        var bad = Mechnn.Run("discover", data, "--format", "yaml");
        Assert.Equal(CliErrors.BadInput, bad.ExitCode);
        Assert.Contains("--format must be", bad.Err);
    }

    [Fact]
    public void Simulate_names_a_model_file_that_does_not_exist()
    {
        var r = Mechnn.Run("simulate", In("nope.json"), "--x0", "1", "-o", In("out.csv"));
        Assert.Equal(CliErrors.BadInput, r.ExitCode);
        Assert.Contains("nope.json: model file not found", r.Err);
        Assert.False(File.Exists(In("out.csv")));
    }

    [Fact]
    public void Simulate_of_a_blowing_up_model_is_a_numerical_failure_with_exit_3_and_writes_nothing()
    {
        // x' = x² from x(0) = 1 leaves the finite numbers at t = 1.
        var model = In("blowup.json");
        new DiscoveredModel("sindy", new LibrarySpec("polynomial", 1, 2), new[] { "x" }, new[] { new double[] { 0, 0, 1 } }).Save(model);
        var r = Mechnn.Run("simulate", model, "--x0", "1", "--t1", "2", "--dt", "0.1", "-o", In("out.csv"));
        Assert.Equal(CliErrors.NumericalFailure, r.ExitCode);
        Assert.Contains("diverged", r.Err);
        Assert.False(File.Exists(In("out.csv")));
    }
}

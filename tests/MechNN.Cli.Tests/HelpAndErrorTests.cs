namespace MechNN.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class HelpAndErrorTests
{
    [Fact]
    public void Help_names_the_tool_mechnn_not_the_assembly()
    {
        var r = Mechnn.Run("--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("mechnn [command] [options]", r.Out);
        Assert.DoesNotContain("MechNN.Cli", r.Out);
    }

    [Fact]
    public void Subcommand_help_shows_the_full_mechnn_path()
    {
        var r = Mechnn.Run("bench", "solver", "--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("mechnn bench solver [options]", r.Out);
        Assert.Contains("./bench-solver-<device>.json", r.Out);
    }

    [Fact]
    public void Unknown_option_is_a_usage_error_with_exit_1()
    {
        var r = Mechnn.Run("datagen", "lorenz", "-o", "x.csv", "--bogus");
        Assert.Equal(CliErrors.Usage, r.ExitCode);
        Assert.Contains("--bogus", r.Err);
        Assert.Contains("Usage:", r.Out + r.Err);
    }

    [Fact]
    public void Missing_required_option_is_a_usage_error()
    {
        var r = Mechnn.Run("simulate", "model.json");
        Assert.Equal(CliErrors.Usage, r.ExitCode);
        Assert.Contains("--x0", r.Err);
    }

    [Fact]
    public void Exit_codes_follow_the_rule()
    {
        Assert.Equal(CliErrors.Cancelled, CliErrors.Code(new OperationCanceledException()));
        Assert.Equal(130, CliErrors.Cancelled);
        Assert.Equal(CliErrors.NumericalFailure, CliErrors.Code(new Integrators.IntegrationDivergedException(1.5, "step below resolution")));
        Assert.Equal(CliErrors.NumericalFailure, CliErrors.Code(new Ode.IllPosedSystemException(new long[] { 3 }, new long[] { 4 }, "singular")));
        Assert.Equal(CliErrors.BadInput, CliErrors.Code(new ArgumentException("--steps")));
        Assert.Equal(CliErrors.BadInput, CliErrors.Code(new FileNotFoundException("x.csv")));
        Assert.Equal(CliErrors.BadInput, CliErrors.Code(new IO.ModelFiles.ModelFileException("bad")));
        Assert.Null(CliErrors.Code(new NullReferenceException()));   // a defect keeps its stack trace
    }

    [Fact]
    public void A_failed_command_prints_one_line_on_the_error_writer()
    {
        var r = Mechnn.Run("datagen", "nosuchsystem", "-o", Path.Combine(Path.GetTempPath(), "never.csv"));
        Assert.Equal(CliErrors.BadInput, r.ExitCode);
        var line = Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        Assert.Contains("nosuchsystem", line);
    }

    [Fact]
    public void Diverged_training_is_a_numerical_failure_and_out_of_memory_one_line_of_bad_input()
    {
        Assert.Equal(CliErrors.NumericalFailure, CliErrors.Code(new MechNN.Training.TrainingDivergedException(5, double.NaN, null)));
        var oom = new System.Runtime.InteropServices.ExternalException("CUDA out of memory. Tried to allocate 2.00 MiB.\nException raised from malloc\nframe #0: c10::Error");
        Assert.Equal(CliErrors.BadInput, CliErrors.Code(oom));
        var error = new StringWriter();
        Assert.Equal(CliErrors.BadInput, CliErrors.Run(() => throw oom, error));
        Assert.Equal("error: CUDA out of memory. Tried to allocate 2.00 MiB.", error.ToString().Trim());
        Assert.Null(CliErrors.Code(new System.Runtime.InteropServices.ExternalException("some other native failure")));
    }

    [Fact]
    public void A_machine_without_fonts_is_warned_that_its_plots_carry_no_text()
    {
        var warning = Rendering.PlotImage.MissingFontsWarning(0);
        Assert.NotNull(warning);
        Assert.StartsWith("warning: ", warning);
        Assert.Contains("fonts-dejavu-core", warning);
        Assert.Null(Rendering.PlotImage.MissingFontsWarning(3));
    }
}

namespace MechNN.Cli.Tests;

/// <summary>`mechnn demo --check` and the demo's option rules (the full demo runs in .ci/run, from the installed tool too).</summary>
[Collection(CliCollection.Name)]
public sealed class DemoCommandTests : TempFolderTest
{
    [Fact]
    public void Check_prints_second_order_convergence_for_every_closed_form()
    {
        var r = Mechnn.Run("demo", "--check", "--steps", "50");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("max |u−exact| T=50", r.Out);
        var orders = r.Out.Split('\n').Where(l => l.StartsWith('│') && !l.Contains("system")).Select(l => double.Parse(l.Split('│')[^2].Trim())).ToList();
        Assert.Equal(6, orders.Count);
        Assert.All(orders, o => Assert.InRange(o, 1.8, 2.3));
        Assert.Empty(Directory.GetFiles(Dir));
    }

    [Theory]
    [InlineData(new[] { "demo", "--steps", "50" }, "--steps belongs to --check")]
    [InlineData(new[] { "demo", "--check", "--out", "x" }, "--out belongs to the demo")]
    [InlineData(new[] { "demo", "--check", "--steps", "5" }, "--steps must be at least 10")]
    public void Options_of_the_other_mode_are_refused_before_any_work(string[] args, string message)
    {
        var r = Mechnn.Run(args);
        Assert.Equal(CliErrors.BadInput, r.ExitCode);
        Assert.Contains(message, r.Err);
    }

    [Fact]
    public void An_unwritable_out_folder_fails_before_any_work()
    {
        File.WriteAllText(In("file"), "not a folder");
        var r = Mechnn.Run("demo", "--out", In("file"));
        Assert.Equal(CliErrors.BadInput, r.ExitCode);
        Assert.Contains("--out", r.Err);
        Assert.DoesNotContain("Lorenz", r.Out);
    }
}

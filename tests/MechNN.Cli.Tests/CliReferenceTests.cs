using System.CommandLine;
using MechNN.Cli.Commands;

namespace MechNN.Cli.Tests;

/// <summary>The docs' CLI reference is the tool's own help, for every visible command, and the generator stays hidden.</summary>
[Collection(CliCollection.Name)]
public sealed class CliReferenceTests : TempFolderTest
{
    [Fact]
    public void Every_visible_command_has_a_section_with_its_help()
    {
        var page = CliReferenceCommand.Render();
        var expected = new List<string>();
        void Walk(Command c, string path)
        {
            expected.Add(path);
            foreach (var sub in c.Subcommands.Where(s => !s.Hidden)) Walk(sub, $"{path} {sub.Name}");
        }
        Walk(Cli.Root(), "mechnn");
        foreach (var path in expected) Assert.Contains($" {path}\n\n```text\n", page);
        Assert.Contains("  mechnn demo [options]", page);                     // a usage line, as --help prints it
        Assert.Contains("--check", page);
        Assert.DoesNotContain("# mechnn cli-reference", page);
    }

    [Fact]
    public void The_generator_writes_only_where_told_and_is_not_in_the_help()
    {
        var path = In("ref/cli.md");
        var r = Mechnn.Run("cli-reference", "-o", path);
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("# Command-line reference", File.ReadAllText(path));
        Assert.DoesNotContain("cli-reference", Mechnn.Run("--help").Out);
    }
}

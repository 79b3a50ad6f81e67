using System.CommandLine;
using MechNN.IO;
using Spectre.Console;

namespace MechNN.Cli.Commands;

/// <summary>
/// `mechnn cli-reference -o PATH` (hidden): the CLI reference page of the docs, generated from every command's own
/// `--help` so it can never drift from the tool. The docs build runs it; nothing is copied by hand.
/// </summary>
internal static class CliReferenceCommand
{
    public const string Name = "cli-reference";

    public static Command Create()
    {
        var output = new Option<string>("--output", "-o") { Description = "Markdown file to write.", Required = true };
        var command = new Command(Name, "Write the CLI reference (every command's --help) as Markdown.") { output };
        command.Hidden = true;
        command.SetAction(p =>
        {
            var path = p.GetValue(output)!;
            Outputs.Check(("--output", path));
            AtomicFile.WriteAllText(path, Render());
            AnsiConsole.MarkupLine($"wrote [green]{Markup.Escape(path)}[/]");
            return 0;
        });
        return command;
    }

    /// <summary>The page: one section per visible command, depth first, each with the help the tool prints.</summary>
    public static string Render()
    {
        var page = new System.Text.StringBuilder();
        page.AppendLine("# Command-line reference").AppendLine()
            .AppendLine("Generated from `mechnn … --help` by `mechnn cli-reference` when the docs are built; exit codes: 0 ok, 1 usage, 2 bad input, 3 numerical failure, 130 cancelled.")
            .AppendLine();
        void Visit(Command command, List<string> path)
        {
            page.AppendLine($"{new string('#', Math.Min(path.Count + 2, 4))} {string.Join(' ', path.Prepend(Cli.Name))}").AppendLine()
                .AppendLine("```text").AppendLine(Help(path).TrimEnd()).AppendLine("```").AppendLine();
            foreach (var sub in command.Subcommands.Where(c => !c.Hidden)) Visit(sub, [.. path, sub.Name]);
        }
        Visit(Cli.Root(), []);
        return page.ToString();
    }

    private static string Help(List<string> path)
    {
        var text = new StringWriter();
        Cli.Root().Parse([.. path, "--help"]).Invoke(new InvocationConfiguration { Output = text, Error = text });
        return text.ToString();
    }
}

using System.CommandLine;

namespace MechNN.Cli.Commands;

/// <summary>The --save/--load pair the paper-task commands share: save the trained MNN, or skip training and evaluate a saved one.</summary>
internal sealed class ModelFileOptions
{
    public Option<string?> Save { get; } = new("--save") { Description = "Write the trained MNN model to this file (JSON; atomic)." };
    public Option<string?> Load { get; } = new("--load") { Description = "Skip training: evaluate the MNN model saved in this file on the same protocol." };

    public void AddTo(Command command)
    {
        command.Options.Add(Save);
        command.Options.Add(Load);
    }

    /// <summary>Both at once would save what was just loaded; refuse rather than guess.</summary>
    public (string? Save, string? Load) Get(ParseResult p)
    {
        var (save, load) = (p.GetValue(Save), p.GetValue(Load));
        if (save is not null && load is not null) throw new ArgumentException("--save and --load exclude each other (--load skips training).");
        return (save, load);
    }
}

using System.CommandLine;
using MechNN.Training;

namespace MechNN.Cli.Commands;

/// <summary>
/// --checkpoint/--resume/--checkpoint-every, shared by the training commands. A command that trains several models
/// keeps one checkpoint per model beside the named file: <c>run.json</c> → <c>run.mnn.json</c>, <c>run.node.json</c>, ….
/// </summary>
internal sealed class CheckpointOptions
{
    public Option<string?> Path { get; } = new("--checkpoint") { Description = "Checkpoint file(s) of the training state (one per trained model, named after it); written atomically every --checkpoint-every steps, on Ctrl-C and at the end." };
    public Option<bool> Resume { get; } = new("--resume") { Description = "Continue from the --checkpoint file(s) where they exist (the result equals an uninterrupted run)." };
    public Option<int> Every { get; } = new("--checkpoint-every") { Description = "Steps between checkpoints.", DefaultValueFactory = _ => 50 };

    public void AddTo(Command command)
    {
        command.Options.Add(Path);
        command.Options.Add(Resume);
        command.Options.Add(Every);
    }

    /// <summary>The checkpoint settings of one parsed command line; checked before any work starts.</summary>
    public Settings Get(ParseResult p)
    {
        var (path, resume, every) = (p.GetValue(Path), p.GetValue(Resume), p.GetValue(Every));
        if (resume && path is null) throw new ArgumentException("--resume needs --checkpoint PATH.");
        if (every < 1) throw new ArgumentException($"--checkpoint-every must be at least 1 (got {every}).");
        Outputs.Check(("--checkpoint", path));
        return new Settings(path, resume, every);
    }

    internal sealed record Settings(string? Path, bool Resume, int Every)
    {
        /// <summary><paramref name="options"/> with this command line's checkpoint for the model called <paramref name="run"/>.</summary>
        public TrainingOptions Apply(TrainingOptions options, string run) => Path is null ? options : options with
        {
            CheckpointPath = System.IO.Path.ChangeExtension(Path, null) + "." + run + (System.IO.Path.GetExtension(Path) is { Length: > 0 } ext ? ext : ".json"),
            Resume = Resume,
            CheckpointEvery = Every,
        };
    }
}

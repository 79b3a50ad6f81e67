using MechNN.Training;
using Spectre.Console;

namespace MechNN.Cli.Rendering;

/// <summary>The one progress renderer of the CLI: a live Spectre.Console panel of labelled bars with elapsed time.</summary>
internal sealed class ProgressDisplay
{
    private readonly ProgressContext _context;

    private ProgressDisplay(ProgressContext context) => _context = context;

    /// <summary>Runs <paramref name="work"/> with a live panel; the bars stay on screen afterwards.</summary>
    public static void Run(Action<ProgressDisplay> work) => Run<object?>(display => { work(display); return null; });

    /// <summary>Runs <paramref name="work"/> with a live panel and returns its result.</summary>
    public static T Run<T>(Func<ProgressDisplay, T> work) =>
        AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context => work(new ProgressDisplay(context)));

    /// <summary>A new bar from 0 to <paramref name="total"/>.</summary>
    public ProgressLine Add(string label, double total = 1) => new(_context.AddTask(Markup.Escape(label), maxValue: Math.Max(total, 1)), label);
}

/// <summary>One bar: moved by hand, or by a <see cref="Trainer"/>'s reports (step of steps, loss, validation).</summary>
internal sealed class ProgressLine(ProgressTask task, string label) : IProgress<TrainingProgress>
{
    /// <summary>Extra text after the loss, recomputed at every report (e.g. a learned quantity).</summary>
    public Func<string>? Detail { get; set; }

    public void Report(TrainingProgress p)
    {
        task.MaxValue = Math.Max(p.Steps, 1);
        task.Value = p.Step;
        var validation = p.Validation is { } v ? $", validation {v:E3}" : "";
        var detail = Detail is { } d ? ", " + d() : "";
        task.Description = Markup.Escape($"{label}: loss {p.Loss:E2}{validation}{detail}");
    }

    /// <summary>Moves the bar to <paramref name="value"/>, optionally with a status after the label.</summary>
    public void Set(double value, string? status = null)
    {
        task.Value = value;
        if (status is not null) task.Description = Markup.Escape($"{label}: {status}");
    }

    /// <summary>Advances the bar by <paramref name="by"/>, optionally with a status after the label.</summary>
    public void Increment(double by = 1, string? status = null) => Set(task.Value + by, status);

    /// <summary>Replaces the whole description (for loops whose label changes).</summary>
    public void Describe(string text) => task.Description = Markup.Escape(text);

    /// <summary>Fills the bar.</summary>
    public void Complete() => task.Value = task.MaxValue;
}

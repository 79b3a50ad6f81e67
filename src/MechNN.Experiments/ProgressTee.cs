using MechNN.Training;

namespace MechNN.Experiments;

/// <summary>Lets a task watch the trainer's reports (levels reached, step times) and still pass them on to the caller.</summary>
internal sealed class ProgressTee(IProgress<TrainingProgress>? next, Action<TrainingProgress> watch) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value)
    {
        watch(value);
        next?.Report(value);
    }
}

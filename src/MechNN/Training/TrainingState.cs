namespace MechNN.Training;

/// <summary>The part of a run that is not in the parameters or the optimiser: what a checkpoint adds to them.</summary>
internal sealed class TrainingState
{
    public int Step;
    public List<double> History = new();
    public double? Validation;
    /// <summary>Every validation so far as (step, value), earlier processes' included.</summary>
    public List<(int Step, double Value)> ValidationHistory = new();
    /// <summary>Training wall time of the earlier processes of a resumed run.</summary>
    public double EarlierSeconds;
    public double? Best;
    public int ChecksWithoutImprovement;
    public bool Stopped;

    /// <summary>Early stopping's bookkeeping for one monitored value.</summary>
    public void Observe(double value, EarlyStopping rule)
    {
        if (Best is null || value < Best.Value - rule.MinDelta)
        {
            Best = value;
            ChecksWithoutImprovement = 0;
        }
        else if (++ChecksWithoutImprovement >= rule.Patience)
            Stopped = true;
    }
}

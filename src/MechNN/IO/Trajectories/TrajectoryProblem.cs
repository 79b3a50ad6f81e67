namespace MechNN.IO.Trajectories;

/// <summary>Why arrays read from a .npy, .npz or HDF5 file do not make a trajectory.</summary>
public enum TrajectoryProblem
{
    /// <summary>The states are not (samples,) or (samples, states), or the times are not (samples,).</summary>
    WrongRank,
    /// <summary>The times and the states have different numbers of samples.</summary>
    LengthMismatch,
    /// <summary>A time is not after the one before it.</summary>
    TimesNotIncreasing,
    /// <summary>A time or state is NaN or ±∞.</summary>
    NonFinite,
    /// <summary>A state is the same at every sample: it carries no dynamics.</summary>
    ConstantState,
    /// <summary>Fewer samples than the caller needs.</summary>
    TooFewSamples,
    /// <summary>The file has no times and no step was given.</summary>
    NoTimes,
}

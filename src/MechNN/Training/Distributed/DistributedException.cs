namespace MechNN.Training.Distributed;

/// <summary>A data-parallel group failed: a replica died, hung past the timeout, or a collective library call failed.</summary>
/// <param name="message">Which replica, which operation and why.</param>
/// <param name="inner">The underlying failure, if any.</param>
public sealed class DistributedException(string message, Exception? inner = null) : Exception(message, inner);

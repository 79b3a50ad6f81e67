namespace MechNN.Runtime;

/// <summary>The native-library cache is unsafe to load from; the message names the folder and what is wrong.</summary>
public sealed class NativeCacheException : IOException
{
    /// <summary>Creates the exception with its one-line message.</summary>
    public NativeCacheException(string message) : base(message) { }
}

namespace MechNN.IO.ModelFiles;

/// <summary>
/// A model file that cannot be used: corrupt or truncated, of another model kind, or with parameters of other shapes.
/// A <see cref="FormatException"/>, so the CLI reports it as one line with exit code 2.
/// </summary>
public sealed class ModelFileException(string message, Exception? inner = null) : FormatException(message, inner);

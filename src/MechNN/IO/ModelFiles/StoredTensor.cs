namespace MechNN.IO.ModelFiles;

/// <summary>One named parameter as stored: its shape and its values in row-major order (as float64, exact for float32 too).</summary>
public sealed record StoredTensor(string Name, long[] Shape, double[] Values);

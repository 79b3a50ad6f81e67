namespace MechNN.Runtime;

/// <summary>
/// Makes TorchSharp's native shim load on Linux hosts whose libstdc++ predates GCC 13 (e.g. Debian 12). It happens
/// by itself when MechNN is loaded; call <see cref="EnsureLoaded"/> first only if your program touches TorchSharp
/// before any MechNN type.
/// </summary>
public static class NativeSetup
{
    /// <summary>Registers the fallback loader once: a no-op off Linux x64 or where the host libstdc++ is new enough.</summary>
    public static void EnsureLoaded() => TorchNative.EnsureLoaded();

    /// <summary>
    /// Why TorchSharp's native shim could not be provided on this host (a cache another user can write, an unwritable
    /// cache), once TorchSharp failed to load because of it; null otherwise. TorchSharp's own error then only says that
    /// libtorch was not found.
    /// </summary>
    public static Exception? LoadFailure => TorchNative.Failure;
}

using System.Runtime.CompilerServices;

namespace MechNN.Tests;

internal static class TestSetup
{
    // Tests may touch TorchSharp before any MechNN type; make sure the native fix is registered first.
    [ModuleInitializer]
    internal static void Init() => MechNN.Runtime.TorchNative.EnsureLoaded();
}

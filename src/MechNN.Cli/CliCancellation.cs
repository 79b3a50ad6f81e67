using System.Runtime.InteropServices;

namespace MechNN.Cli;

/// <summary>
/// Ctrl-C and SIGTERM while a cancellable run (training) is active: the first signal asks it to stop cleanly (it writes
/// its checkpoint and the command exits 130); a second one, or a signal outside such a run, ends the process as usual.
/// </summary>
internal static class CliCancellation
{
    // Replaced by a fresh one when the last section of a cancelled run ends, so that in-process runs (tests) after a
    // cancelled one start uncancelled; a real process exits then anyway.
    private static CancellationTokenSource _source = new();
    private const string ShowCursor = "\u001b[?25h";
    private static int _active;
    private static readonly PosixSignalRegistration[] Registrations =
        new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM }.Select(s => PosixSignalRegistration.Create(s, OnSignal)).ToArray();

    /// <summary>Marks a cancellable section; dispose the result when it ends.</summary>
    public static IDisposable Enter(out CancellationToken token)
    {
        GC.KeepAlive(Registrations);
        Interlocked.Increment(ref _active);
        token = Volatile.Read(ref _source).Token;
        return new Section();
    }

    private static void OnSignal(PosixSignalContext context)
    {
        if (!Stop())
        {
            // The process ends now, without the progress display's cleanup: show the cursor it hid.
            if (!Console.IsOutputRedirected) Console.Out.Write(ShowCursor);
            Console.Out.Flush();
            return;
        }
        context.Cancel = true;
    }

    /// <summary>Asks the active run to stop, as the first Ctrl-C does (in-process tests call it).</summary>
    /// <returns>Whether a run was active and not yet asked: false means the signal should end the process.</returns>
    internal static bool Stop()
    {
        var source = Volatile.Read(ref _source);
        if (Volatile.Read(ref _active) == 0 || source.IsCancellationRequested) return false;
        source.Cancel();
        return true;
    }

    private sealed class Section : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0 && Interlocked.Decrement(ref _active) == 0 && _source.IsCancellationRequested)
                Volatile.Write(ref _source, new CancellationTokenSource());
        }
    }
}

using System.Diagnostics;
using MechNN.Training.Distributed;

namespace MechNN.Cli.Distributed;

/// <summary>
/// `--gpus N`: starts this same command once per GPU, as torchrun would — rank r gets RANK, WORLD_SIZE, LOCAL_RANK = r,
/// MASTER_ADDR/MASTER_PORT of a free loopback port and NCCL_NVLS_ENABLE=0 — and waits. When one rank fails, the others
/// are stopped (SIGTERM, then killed after a grace period) and the launcher exits with that rank's code, naming it.
/// </summary>
internal static class RankLauncher
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    public static int Launch(int gpus, IReadOnlyList<string> arguments, TextWriter error)
    {
        // Ctrl-C reaches every rank (same process group): they agree to stop and checkpoint; the launcher just waits.
        using var section = CliCancellation.Enter(out _);
        var env = new DistributedEnvironment(0, gpus, 0, "127.0.0.1", Rendezvous.FreeLoopbackPort());
        var ranks = Enumerable.Range(0, gpus).Select(rank => Start(rank, env, arguments)).ToArray();
        try
        {
            while (true)
            {
                var failed = ranks.Select((p, rank) => (p, rank)).FirstOrDefault(r => r.p.HasExited && r.p.ExitCode is not (CliErrors.Ok or CliErrors.Cancelled));
                if (failed.p is not null)
                {
                    error.WriteLine($"error: rank {failed.rank} of {gpus} exited with code {failed.p.ExitCode}; stopping the other ranks");
                    Stop(ranks);
                    return failed.p.ExitCode;
                }
                if (ranks.All(p => p.HasExited)) return ranks.Max(p => p.ExitCode);
                Thread.Sleep(200);
            }
        }
        finally
        {
            foreach (var p in ranks) p.Dispose();
        }
    }

    private static Process Start(int rank, DistributedEnvironment env, IReadOnlyList<string> arguments)
    {
        var info = SelfProcess.StartInfo("the ranks");
        foreach (var a in arguments) info.ArgumentList.Add(a);
        foreach (var (name, value) in env.VariablesFor(rank)) info.Environment[name] = value;
        return Process.Start(info) ?? throw new InvalidOperationException($"rank {rank} did not start");
    }

    private static void Stop(Process[] ranks)
    {
        foreach (var p in ranks.Where(p => !p.HasExited))
            try { Posix.Terminate(p.Id); } catch (InvalidOperationException) { }
        var deadline = DateTime.UtcNow + Grace;
        foreach (var p in ranks)
        {
            var left = deadline - DateTime.UtcNow;
            if (!p.WaitForExit(left > TimeSpan.Zero ? left : TimeSpan.Zero)) p.Kill(entireProcessTree: true);
        }
    }

    private static class Posix
    {
        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        private static extern int Kill(int pid, int signal);

        /// <summary>SIGTERM, so the rank stops like after Ctrl-C (its checkpoint written) rather than being killed.</summary>
        public static void Terminate(int pid) => Kill(pid, 15);
    }
}

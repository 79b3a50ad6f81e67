using System.Net;
using System.Net.Sockets;

namespace MechNN.Training.Distributed;

/// <summary>
/// Hands rank 0's NCCL unique id to every other rank over TCP (rank 0 listens on MASTER_ADDR:MASTER_PORT), and so also
/// proves that all ranks are alive before any of them enters ncclCommInitRank, which would otherwise wait for ever on a
/// missing rank. Each side gives up with a <see cref="DistributedException"/> after the timeout.
/// </summary>
internal static class Rendezvous
{
    private static readonly byte[] Magic = "MNNR"u8.ToArray();

    /// <summary>Rank 0: accept WORLD_SIZE − 1 ranks and send each the id; other ranks: connect (retrying) and receive it.</summary>
    public static byte[] Exchange(DistributedEnvironment env, Func<byte[]> createId, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            return env.Rank == 0 ? Serve(env, createId(), deadline.Token) : Join(env, deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new DistributedException(env.Rank == 0
                ? $"rank 0: not every one of the {env.WorldSize} ranks reached the rendezvous at {env.Address}:{env.Port} within {timeout.TotalSeconds:0} s"
                : $"rank {env.Rank}: could not reach rank 0's rendezvous at {env.Address}:{env.Port} within {timeout.TotalSeconds:0} s");
        }
        catch (SocketException e)
        {
            throw new DistributedException($"rank {env.Rank}: rendezvous at {env.Address}:{env.Port} failed: {e.Message}", e);
        }
    }

    private static byte[] Serve(DistributedEnvironment env, byte[] id, CancellationToken cancel)
    {
        var listener = new TcpListener(Resolve(env.Address), env.Port);
        listener.Start(env.WorldSize);
        try
        {
            var peers = new List<TcpClient>();
            try
            {
                var seen = new HashSet<int>();
                while (seen.Count < env.WorldSize - 1)
                {
                    var peer = listener.AcceptTcpClientAsync(cancel).AsTask().GetAwaiter().GetResult();
                    peers.Add(peer);
                    var stream = peer.GetStream();
                    var hello = ReadExactly(stream, 8, cancel);
                    int rank = BitConverter.ToInt32(hello, 4);
                    if (!hello.AsSpan(0, 4).SequenceEqual(Magic) || rank <= 0 || rank >= env.WorldSize || !seen.Add(rank))
                        throw new DistributedException($"rank 0: unexpected rendezvous peer (rank {rank}) at {env.Address}:{env.Port}");
                }
                foreach (var peer in peers) peer.GetStream().WriteAsync(id, cancel).AsTask().GetAwaiter().GetResult();
                return id;
            }
            finally { peers.ForEach(p => p.Dispose()); }
        }
        finally { listener.Stop(); }
    }

    private static byte[] Join(DistributedEnvironment env, CancellationToken cancel)
    {
        while (true)
        {
            cancel.ThrowIfCancellationRequested();
            using var client = new TcpClient();
            try { client.ConnectAsync(Resolve(env.Address), env.Port, cancel).AsTask().GetAwaiter().GetResult(); }
            catch (SocketException) { Task.Delay(200, cancel).GetAwaiter().GetResult(); continue; }   // rank 0 not listening yet
            var stream = client.GetStream();
            stream.WriteAsync(Magic.Concat(BitConverter.GetBytes(env.Rank)).ToArray(), cancel).AsTask().GetAwaiter().GetResult();
            return ReadExactly(stream, NcclNative.UniqueIdBytes, cancel);
        }
    }

    private static byte[] ReadExactly(NetworkStream stream, int count, CancellationToken cancel)
    {
        var buffer = new byte[count];
        stream.ReadExactlyAsync(buffer, cancel).AsTask().GetAwaiter().GetResult();
        return buffer;
    }

    /// <summary>A loopback port free right now (the OS picks it), for a launcher's rendezvous.</summary>
    public static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static IPAddress Resolve(string host) =>
        IPAddress.TryParse(host, out var ip) ? ip : Dns.GetHostAddresses(host).First(a => a.AddressFamily == AddressFamily.InterNetwork);
}

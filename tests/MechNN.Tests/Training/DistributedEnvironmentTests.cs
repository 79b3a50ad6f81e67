using MechNN.Training.Distributed;

namespace MechNN.Tests.Training;

/// <summary>The multi-process plumbing that runs without GPUs: the launcher's variables and the TCP rendezvous.</summary>
public sealed class DistributedEnvironmentTests
{
    private static Func<string, string?> Vars(params (string Name, string Value)[] set) => name => set.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void TheLaunchersVariablesDescribeTheGroup()
    {
        Assert.Null(DistributedEnvironment.Read(Vars()));
        var env = DistributedEnvironment.Read(Vars(("RANK", "2"), ("WORLD_SIZE", "4"), ("MASTER_ADDR", "10.0.0.5"), ("MASTER_PORT", "4000")))!;
        Assert.Equal(new DistributedEnvironment(2, 4, 2, "10.0.0.5", 4000), env);   // LOCAL_RANK defaults to RANK
        var forRank = env.VariablesFor(3);
        Assert.Equal(DistributedEnvironment.Read(name => forRank.TryGetValue(name, out var v) ? v : null), env with { Rank = 3, LocalRank = 3 });
        Assert.Equal("0", forRank["NCCL_NVLS_ENABLE"]);
    }

    [Theory]
    [InlineData("4", "4", "RANK=4 is not below WORLD_SIZE=4")]
    [InlineData("x", "2", "RANK='x'")]
    [InlineData("0", "0", "WORLD_SIZE='0'")]
    [InlineData("0", null, "WORLD_SIZE is not set")]
    public void MalformedVariablesAreNamed(string rank, string? world, string expected)
    {
        var set = world is null ? new[] { ("RANK", rank) } : new[] { ("RANK", rank), ("WORLD_SIZE", world) };
        var e = Assert.Throws<ArgumentException>(() => DistributedEnvironment.Read(Vars(set)));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public async Task EveryRankReceivesRankZerosId()
    {
        int port = Rendezvous.FreeLoopbackPort();
        var id = Enumerable.Range(0, NcclNative.UniqueIdBytes).Select(i => (byte)(i * 7)).ToArray();
        var got = Enumerable.Range(0, 3).Reverse()                              // the other ranks may come first
            .Select(rank => Task.Run(() => Rendezvous.Exchange(new DistributedEnvironment(rank, 3, rank, "127.0.0.1", port), () => id, TimeSpan.FromSeconds(60))))
            .ToArray();
        foreach (var received in await Task.WhenAll(got)) Assert.Equal(id, received);
    }

    [Fact]
    public void RankZeroGivesUpOnAMissingRank()
    {
        var env = new DistributedEnvironment(0, 2, 0, "127.0.0.1", Rendezvous.FreeLoopbackPort());
        var e = Assert.Throws<DistributedException>(() => Rendezvous.Exchange(env, () => new byte[NcclNative.UniqueIdBytes], TimeSpan.FromSeconds(1)));
        Assert.Contains("not every one of the 2 ranks", e.Message);
    }
}

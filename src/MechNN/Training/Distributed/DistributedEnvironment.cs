namespace MechNN.Training.Distributed;

/// <summary>
/// Where a process sits in a multi-process group, read from the variables torchrun and <c>mechnn --gpus</c> set:
/// RANK, WORLD_SIZE, LOCAL_RANK (the GPU of this host to use), MASTER_ADDR and MASTER_PORT (rank 0's rendezvous).
/// </summary>
/// <param name="Rank">This process's rank.</param>
/// <param name="WorldSize">Processes in the group.</param>
/// <param name="LocalRank">This process's GPU on its host.</param>
/// <param name="Address">Host of rank 0's rendezvous.</param>
/// <param name="Port">Port of rank 0's rendezvous.</param>
public sealed record DistributedEnvironment(int Rank, int WorldSize, int LocalRank, string Address, int Port)
{
    /// <summary>The group this process belongs to, or null when RANK and WORLD_SIZE are unset (a single process).</summary>
    /// <param name="variables">The environment (tests pass their own).</param>
    /// <returns>The group, or null.</returns>
    /// <exception cref="ArgumentException">A variable is set but malformed or inconsistent (named).</exception>
    public static DistributedEnvironment? Read(Func<string, string?>? variables = null)
    {
        var get = variables ?? Environment.GetEnvironmentVariable;
        if (get("WORLD_SIZE") is null && get("RANK") is null) return null;
        int Int(string name, int? fallback, int min)
        {
            var text = get(name);
            if (text is null) return fallback ?? throw new ArgumentException($"environment variable {name} is not set (needed with RANK/WORLD_SIZE)");
            return int.TryParse(text, out var v) && v >= min ? v : throw new ArgumentException($"environment variable {name}='{text}' is not an integer ≥ {min}");
        }
        int world = Int("WORLD_SIZE", null, 1), rank = Int("RANK", null, 0);
        if (rank >= world) throw new ArgumentException($"RANK={rank} is not below WORLD_SIZE={world}");
        int port = Int("MASTER_PORT", 29500, 1);
        if (port > 65535) throw new ArgumentException($"MASTER_PORT={port} is not a TCP port");
        return new DistributedEnvironment(rank, world, Int("LOCAL_RANK", rank, 0), get("MASTER_ADDR") ?? "127.0.0.1", port);
    }

    /// <summary>The variables a launcher sets for rank <paramref name="rank"/> of this group.</summary>
    /// <param name="rank">The rank.</param>
    /// <returns>Name → value.</returns>
    public IReadOnlyDictionary<string, string> VariablesFor(int rank) => new Dictionary<string, string>
    {
        ["RANK"] = rank.ToString(), ["WORLD_SIZE"] = WorldSize.ToString(), ["LOCAL_RANK"] = rank.ToString(),
        ["MASTER_ADDR"] = Address, ["MASTER_PORT"] = Port.ToString(),
        ["NCCL_NVLS_ENABLE"] = "0",                                             // never NVLink multicast objects
    };
}

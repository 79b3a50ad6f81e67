using MechNN.Training;
using MechNN.Training.Distributed;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MechNN.Tests.Training;

/// <summary>
/// The data-parallel trainer with the in-process communicator: replicas that each train on a shard of every batch take
/// exactly the steps of one replica on the whole batch, resume on another replica count, and fail together.
/// </summary>
[Collection(nameof(GlobalRandomState))]
public sealed class DataParallelTests : IDisposable
{
    private const int Samples = 32, Batch = 8, Steps = 5;
    private readonly string _dir = Directory.CreateTempSubdirectory("mechnn-dp-").FullName;
    private readonly Tensor _x, _y;
    private readonly double[][] _initial;

    public DataParallelTests()
    {
        var g = new Generator(7);
        _x = randn(Samples, 3, dtype: ScalarType.Float64, generator: g);
        _y = (_x.narrow(1, 0, 1) * 2 - _x.narrow(1, 1, 1).sin()).detach();
        _initial = new[] { randn(3 * 6, dtype: ScalarType.Float64, generator: g), randn(6, dtype: ScalarType.Float64, generator: g), randn(6, dtype: ScalarType.Float64, generator: g) }
            .Select(t => (t * 0.5).data<double>().ToArray()).ToArray();
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A one-hidden-layer tanh network as three float64 parameters (W₁ 3×6, b₁, w₂), from fixed values.</summary>
    private List<Parameter> Model() => new()
    {
        new Parameter(tensor(_initial[0], dtype: ScalarType.Float64).reshape(3, 6)),
        new Parameter(tensor(_initial[1], dtype: ScalarType.Float64)),
        new Parameter(tensor(_initial[2], dtype: ScalarType.Float64).reshape(6, 1)),
    };

    /// <summary>Mean squared error over step's whole batch, as this replica's share: the shard's sum / batch size.</summary>
    private Func<int, Tensor> Loss(List<Parameter> p, int rank, int world)
    {
        var batches = new Minibatches(Samples, Batch, seed: 3, dropLast: true);
        return step =>
        {
            var idx = tensor(batches.Shard(step, rank, world));
            var x = _x.index_select(0, idx);
            var prediction = (x.matmul(p[0]) + p[1]).tanh().matmul(p[2]);
            return (prediction - _y.index_select(0, idx)).pow(2).sum() / batches.BatchSize;
        };
    }

    private static double[] Flat(IEnumerable<Parameter> p) => p.SelectMany(t => t.detach().flatten().data<double>().ToArray()).ToArray();

    private double[] Single(int steps)
    {
        var p = Model();
        new Trainer(p, new TrainingOptions { Steps = steps, LearningRate = 0.05 }).Fit(Loss(p, 0, 1));
        return Flat(p);
    }

    private double[][] Replicated(int world, TrainingOptions options) => InProcessCommunicator.Run(world, c =>
    {
        var p = Model();
        new Trainer(p, options with { Communicator = c }).Fit(Loss(p, c.Rank, c.WorldSize));
        return Flat(p);
    });

    private static double MaxDifference(double[] a, double[] b) => a.Zip(b, (u, v) => Math.Abs(u - v)).Max();

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void ReplicasTakeExactlyTheStepsOfOneReplicaOnTheWholeBatch(int world)
    {
        var reference = Single(Steps);
        var replicas = Replicated(world, new TrainingOptions { Steps = Steps, LearningRate = 0.05 });
        Assert.True(MaxDifference(reference, Single(0)) > 1e-3, "the reference did not train: the comparison would prove nothing");
        foreach (var r in replicas) Assert.True(MaxDifference(reference, r) <= 1e-12, $"replica differs from one replica by {MaxDifference(reference, r):E2}");
        Assert.All(replicas, r => Assert.Equal(replicas[0], r));                 // bitwise identical replicas
    }

    [Fact]
    public void ARunResumesOnAnotherReplicaCount()
    {
        var path = Path.Combine(_dir, "ck.json");
        var options = new TrainingOptions { Steps = 3, LearningRate = 0.05, CheckpointPath = path, CheckpointEvery = 100 };
        Replicated(4, options);
        var resumed = Replicated(2, options with { Steps = Steps, Resume = true });
        Assert.True(MaxDifference(Single(Steps), resumed[0]) <= 1e-12, $"resumed run differs by {MaxDifference(Single(Steps), resumed[0]):E2}");
    }

    [Fact]
    public void TheShardsOfAllRanksAreTheBatch()
    {
        var batches = new Minibatches(37, 10, seed: 1);
        for (int step = 0; step < 8; step++)
        {
            var shards = Enumerable.Range(0, 3).Select(r => batches.Shard(step, r, 3)).ToArray();
            Assert.Equal(batches.Indices(step), shards.SelectMany(s => s));
            Assert.True(shards.Max(s => s.Length) - shards.Min(s => s.Length) <= 1);
        }
        Assert.Throws<ArgumentException>(() => batches.Shard(0, 3, 3));
    }

    [Fact]
    public void AReplicaThatFailsEndsTheRunWithItsError()
    {
        var e = Assert.Throws<DistributedException>(() => InProcessCommunicator.Run(3, c =>
        {
            var p = Model();
            var loss = Loss(p, c.Rank, c.WorldSize);
            new Trainer(p, new TrainingOptions { Steps = Steps, Communicator = c }).Fit(step =>
                c.Rank == 1 && step == 2 ? throw new InvalidDataException("bad batch 17") : loss(step));
            return 0;
        }, TimeSpan.FromMinutes(2)));
        Assert.Contains("replica 1", e.Message);
        Assert.Contains("bad batch 17", e.Message);
    }

    [Fact]
    public void AReplicaThatHangsEndsTheRunAfterTheTimeout()
    {
        var e = Assert.Throws<DistributedException>(() => InProcessCommunicator.Run(2, c =>
        {
            if (c.Rank == 1) return 0;                                           // never joins the all-reduce
            var buffer = ones(3, dtype: ScalarType.Float64);
            c.AllReduceSum(buffer);
            return 1;
        }, TimeSpan.FromSeconds(1)));
        Assert.Contains("never arrived", e.Message);
    }

    [Fact]
    public void CancellingOneReplicaStopsEveryReplicaAfterTheSameStep()
    {
        using var cancel = new CancellationTokenSource();
        var path = Path.Combine(_dir, "ck.json");
        var steps = new int[2];
        var e = Assert.Throws<DistributedException>(() => InProcessCommunicator.Run(2, c =>
        {
            var p = Model();
            var loss = Loss(p, c.Rank, c.WorldSize);
            var token = c.Rank == 1 ? cancel.Token : CancellationToken.None;
            new Trainer(p, new TrainingOptions { Steps = 50, CheckpointPath = path, Communicator = c }).Fit(step =>
            {
                steps[c.Rank] = step;
                if (c.Rank == 1 && step == 3) cancel.Cancel();
                return loss(step);
            }, cancellation: token);
            return 0;
        }));
        Assert.IsType<OperationCanceledException>(e.InnerException);
        Assert.Equal(new[] { 3, 3 }, steps);
        Assert.True(File.Exists(path));
    }
}

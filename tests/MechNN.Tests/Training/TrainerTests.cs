using MechNN.IO.ModelFiles;
using MechNN.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MechNN.Tests.Training;

/// <summary>Exact-resume tests draw from torch's global generator: no other test may run beside them.</summary>
[CollectionDefinition(nameof(GlobalRandomState), DisableParallelization = true)]
public sealed class GlobalRandomState;

[Collection(nameof(GlobalRandomState))]
public sealed class TrainerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mechnn-trainer-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A small regression task whose loss uses mini-batches, torch's generator (noise) and a step schedule.</summary>
    private sealed class Task
    {
        public readonly Sequential Model;
        private readonly Tensor _x, _y;
        public readonly Minibatches Batches = new(64, 16, seed: 7);

        public Task()
        {
            manual_seed(3);
            Model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1));
            Model.to(ScalarType.Float64);
            _x = rand(64, 2, dtype: ScalarType.Float64, generator: new Generator(11));
            _y = (_x[.., 0] * 2 - _x[.., 1]).sin().unsqueeze(1);
        }

        public Tensor Loss(int step)
        {
            var index = tensor(Batches.Indices(step));
            var noise = randn(index.shape[0], 1, dtype: ScalarType.Float64) * 0.01;   // draws from torch's generator
            return (Model.forward(_x.index_select(0, index)) - _y.index_select(0, index) - noise).square().mean();
        }

        public double[] Flat() => Model.parameters().SelectMany(p => p.detach().flatten().data<double>().ToArray()).ToArray();
    }

    private TrainingOptions Options(string? checkpoint = null, bool resume = false) => new()
    {
        Steps = 40, LearningRate = 0.05, WeightDecay = 1e-4, Schedule = LearningRateSchedule.Step(12, 0.5), Seed = 5,
        CheckpointPath = checkpoint, CheckpointEvery = 10, Resume = resume,
    };

    [Fact]
    public void OneStepIsExactlyTorchAdam()
    {
        var a = new Task();
        var b = new Task();
        var adam = optim.Adam(b.Model.parameters(), lr: 0.05, weight_decay: 1e-4);
        manual_seed(5);
        for (int step = 0; step < 40; step++)
        {
            foreach (var g in adam.ParamGroups) g.LearningRate = 0.05 * Math.Pow(0.5, step / 12);
            adam.zero_grad();
            b.Loss(step).backward();
            adam.step();
        }
        var result = new Trainer(a.Model, Options()).Fit(a.Loss);
        Assert.Equal(40, result.Steps);
        Assert.Equal(b.Flat(), a.Flat());
        Assert.True(result.LossHistory[^1] < result.LossHistory[0] / 5, $"loss {result.LossHistory[0]} → {result.LossHistory[^1]}");
    }

    [Fact]
    public void CancelledAndResumedEqualsUninterrupted()
    {
        var straight = new Task();
        new Trainer(straight.Model, Options()).Fit(straight.Loss);

        var path = Path.Combine(_dir, "run.ckpt.json");
        var first = new Task();
        using var cancel = new CancellationTokenSource();
        var progress = new SynchronousProgress<TrainingProgress>(p => { if (p.Step == 17) cancel.Cancel(); });
        Assert.Throws<OperationCanceledException>(() => new Trainer(first.Model, Options(path)).Fit(first.Loss, progress, cancel.Token));
        Assert.Equal(17, ModelFile.Load(path).HyperInt("step", 0));

        var resumed = new Task();   // a fresh process: new weights, generator reseeded by the task
        var result = new Trainer(resumed.Model, Options(path, resume: true)).Fit(resumed.Loss);
        Assert.Equal(17, result.ResumedFrom);
        Assert.Equal(40, result.LossHistory.Count);
        Assert.Equal(straight.Flat(), resumed.Flat());
    }

    [Fact]
    public void KilledRunLosesAtMostOneIntervalAndResumesExactly()
    {
        var straight = new Task();
        new Trainer(straight.Model, Options()).Fit(straight.Loss);

        var path = Path.Combine(_dir, "killed.ckpt.json");
        var first = new Task();
        // Dies inside step 23 without any chance to write: the file holds step 20.
        Assert.Throws<InvalidOperationException>(() => new Trainer(first.Model, Options(path))
            .Fit(step => step == 23 ? throw new InvalidOperationException("killed") : first.Loss(step)));
        Assert.Equal(20, ModelFile.Load(path).HyperInt("step", 0));

        var resumed = new Task();
        var result = new Trainer(resumed.Model, Options(path, resume: true)).Fit(resumed.Loss);
        Assert.Equal(20, result.ResumedFrom);
        Assert.Equal(straight.Flat(), resumed.Flat());

        // Resuming a finished run trains nothing more and changes nothing.
        var again = new Task();
        var done = new Trainer(again.Model, Options(path, resume: true)).Fit(again.Loss);
        Assert.Equal(40, done.ResumedFrom);
        Assert.Equal(straight.Flat(), again.Flat());
    }

    /// <summary>A resumed run's validation history and training time include the process before the cancel.</summary>
    [Fact]
    public void ValidationHistoryAndTrainingTimeSurviveAResume()
    {
        var path = Path.Combine(_dir, "validated.ckpt.json");
        TrainingOptions Validated(Task t, bool resume) => Options(path, resume) with { Validation = () => t.Loss(0).item<double>(), ValidateEvery = 5 };
        var straightTask = new Task();
        var straight = new Trainer(straightTask.Model, Options() with { Validation = () => straightTask.Loss(0).item<double>(), ValidateEvery = 5 }).Fit(straightTask.Loss);

        var first = new Task();
        using var cancel = new CancellationTokenSource();
        var progress = new SynchronousProgress<TrainingProgress>(p => { if (p.Step == 17) cancel.Cancel(); });
        Assert.Throws<OperationCanceledException>(() => new Trainer(first.Model, Validated(first, false)).Fit(first.Loss, progress, cancel.Token));
        double firstSeconds = ModelFile.Load(path).Hyper("seconds");
        Assert.True(firstSeconds > 0);

        var resumed = new Task();
        var result = new Trainer(resumed.Model, Validated(resumed, true)).Fit(resumed.Loss);
        Assert.Equal(new[] { 5, 10, 15, 20, 25, 30, 35, 40 }, result.ValidationHistory.Select(v => v.Step));
        Assert.Equal(straight.ValidationHistory.Select(v => v.Step), result.ValidationHistory.Select(v => v.Step));
        Assert.Equal(straight.ValidationHistory[^1].Value, result.ValidationHistory[^1].Value, 12);
        Assert.True(result.TotalElapsed.TotalSeconds >= firstSeconds + result.Elapsed.TotalSeconds - 1e-9);
    }

    [Fact]
    public void ResumeWithoutAFileStartsFresh()
    {
        var straight = new Task();
        new Trainer(straight.Model, Options()).Fit(straight.Loss);
        var t = new Task();
        var result = new Trainer(t.Model, Options(Path.Combine(_dir, "none.json"), resume: true)).Fit(t.Loss);
        Assert.Equal(0, result.ResumedFrom);
        Assert.Equal(straight.Flat(), t.Flat());
    }

    [Fact]
    public void CheckpointOfAnotherModelIsANamedError()
    {
        var path = Path.Combine(_dir, "other.json");
        var t = new Task();
        new Trainer(t.Model, Options(path) with { Steps = 10 }).Fit(t.Loss);
        var other = nn.Linear(3, 1);
        other.to(ScalarType.Float64);
        var before = other.weight!.detach().clone();
        var e = Assert.Throws<ModelFileException>(() => new Trainer(other, Options(path, resume: true))
            .Fit(_ => other.forward(ones(1, 3, dtype: ScalarType.Float64)).sum()));
        Assert.Contains("4 parameter tensors, this model has 2", e.Message);
        Assert.Equal(before.data<double>().ToArray(), other.weight!.detach().data<double>().ToArray());
    }

    [Fact]
    public void EarlyStoppingStopsOnAPlateau()
    {
        var p = new Parameter(tensor(new[] { 1.0 }));
        int calls = 0;
        var result = new Trainer(new[] { p }, new TrainingOptions { Steps = 1000, LearningRate = 1e-3, EarlyStopping = new EarlyStopping(Patience: 5) })
            .Fit(_ => { calls++; return (p * 0).sum() + 1; });   // constant loss: never improves after the first report
        Assert.True(result.StoppedEarly);
        Assert.Equal(6, result.Steps);
        Assert.Equal(6, calls);
    }

    [Fact]
    public void ATargetLossEndsTheRunAtTheFirstReportBelowIt()
    {
        var p = new Parameter(tensor(new[] { 1.0 }));
        var result = new Trainer(new[] { p }, new TrainingOptions { Steps = 1000, LearningRate = 0.1, TargetLoss = 0.5 })
            .Fit(_ => p.square().sum());
        Assert.True(result.StoppedEarly);
        Assert.True(result.LossHistory[^1] < 0.5 && result.LossHistory[^2] >= 0.5);
        Assert.Equal(result.LossHistory.Count, result.Steps);
    }

    [Fact]
    public void ValidationIsReportedAndMonitored()
    {
        var p = new Parameter(tensor(new[] { 3.0 }));
        var reports = new List<TrainingProgress>();
        var result = new Trainer(new[] { p }, new TrainingOptions
        {
            Steps = 50, LearningRate = 0.1, Validation = () => p.detach().abs().item<double>(), ValidateEvery = 10,
        }).Fit(_ => p.square().sum(), new SynchronousProgress<TrainingProgress>(reports.Add));
        Assert.Equal(50, reports.Count);
        Assert.Null(reports[8].Validation);
        Assert.Equal(result.Validation, reports[^1].Validation);
        Assert.True(result.Validation < 3);
    }

    [Fact]
    public void ADivergingLossIsANamedErrorAtItsStep()
    {
        var p = new Parameter(tensor(new[] { 1.0 }));
        var e = Assert.Throws<TrainingDivergedException>(() => new Trainer(new[] { p }, new TrainingOptions { Steps = 10 })
            .Fit(step => step == 4 ? (p * double.NaN).sum() : p.square().sum()));
        Assert.Equal(5, e.Step);
    }

    [Fact]
    public void ReportsAverageGroupsOfSteps()
    {
        var p = new Parameter(tensor(new[] { 0.0 }));
        var result = new Trainer(new[] { p }, new TrainingOptions { Steps = 10, ReportEvery = 4, LearningRate = 1e-9 })
            .Fit(step => (p * 0).sum() + step);
        Assert.Equal(new[] { 1.5, 5.5, 8.5 }, result.LossHistory);
    }

    [Theory]
    [InlineData(-1, 1e-3, 1, "steps")]
    [InlineData(10, 0, 1, "learning rate")]
    [InlineData(10, 1e-3, 0, "checkpoint interval")]
    public void BadOptionsAreNamed(int steps, double rate, int every, string named)
    {
        var p = new Parameter(tensor(new[] { 0.0 }));
        var e = Assert.Throws<ArgumentException>(() => new Trainer(new[] { p }, new TrainingOptions { Steps = steps, LearningRate = rate, CheckpointEvery = every }));
        Assert.Contains(named, e.Message);
    }

    [Fact]
    public void MinibatchesAreSeededPermutations()
    {
        var a = new Minibatches(10, 4, seed: 1);
        var b = new Minibatches(10, 4, seed: 1);
        Assert.Equal(3, a.PerEpoch);
        for (int epoch = 0; epoch < 3; epoch++)
        {
            var all = Enumerable.Range(epoch * 3, 3).SelectMany(a.Indices).OrderBy(i => i).ToArray();
            Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), all);
        }
        Assert.Equal(a.Indices(4), b.Indices(4));                          // same seed, any order of calls
        Assert.NotEqual(a.Indices(0), new Minibatches(10, 4, seed: 2).Indices(0));
        Assert.NotEqual(a.Indices(0), a.Indices(3));                        // each epoch its own order
        Assert.Equal(2, new Minibatches(10, 4, seed: 1, dropLast: true).PerEpoch);
    }

    [Fact]
    public void StepScheduleHalvesEveryInterval()
    {
        var s = LearningRateSchedule.Step(100, 0.5);
        Assert.Equal(1, s.Factor(99));
        Assert.Equal(0.5, s.Factor(100));
        Assert.Equal(0.25, s.Factor(250));
    }
}

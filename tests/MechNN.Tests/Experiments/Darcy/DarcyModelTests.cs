using MechNN.Experiments.Darcy.Models;
using MechNN.IO.ModelFiles;
using MechNN.Tests.Training;
using static TorchSharp.torch;

namespace MechNN.Tests.Experiments.Darcy;

/// <summary>The Darcy models (FNO, MNN, ablation), their normalisers, loss, training, resume and model files.</summary>
[Collection(nameof(GlobalRandomState))]
public sealed class DarcyModelTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mechnn-darcy-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>
    /// A cheap stand-in for Darcy data: a = 3 or 12 by the sign of a random smooth field (a few sine modes), and u a smooth
    /// field that depends on a pointwise and through a local average of a, with u = 0 on the boundary. Not physics:
    /// the tests check training mechanics.
    /// </summary>
    internal static (Tensor A, Tensor U) Synthetic(int count, int s, long seed)
    {
        var g = new Generator((ulong)seed);
        var x = linspace(0, 1, s, dtype: ScalarType.Float64);
        var (gx, gy) = (x.reshape(1, s, 1), x.reshape(1, 1, s));
        var field = zeros(count, s, s, dtype: ScalarType.Float64);
        for (int k1 = 1; k1 <= 3; k1++)
            for (int k2 = 1; k2 <= 3; k2++)
                field += randn(count, 1, 1, dtype: ScalarType.Float64, generator: g) / (k1 * k1 + k2 * k2) * (Math.PI * k1 * gx).cos() * (Math.PI * k2 * gy).cos();
        var a = where(field >= 0, 12.0, 3.0).to_type(ScalarType.Float64);
        var bump = (Math.PI * gx).sin() * (Math.PI * gy).sin();
        var blur = nn.functional.avg_pool2d(a.unsqueeze(1), 5, 1, 2).squeeze(1);
        var u = bump * (1.0 / a + 0.02 * blur);
        return (a.to_type(ScalarType.Float32), u.to_type(ScalarType.Float32));
    }

    private static (UnitGaussianNormalizer A, UnitGaussianNormalizer U) Normalizers(Tensor a, Tensor u) => (UnitGaussianNormalizer.Fit(a), UnitGaussianNormalizer.Fit(u));

    private static DarcyModel Build(string kind, Tensor a, Tensor u)
    {
        var (na, nu) = Normalizers(a, u);
        return kind switch
        {
            "fno" => new FourierNeuralOperator(na, nu, width: 8, modes: 4),
            "mnn" => new MechanisticDarcyNetwork(na, nu, channels: 4, levels: 2, steps: 30, order: 2, skipKernel: 1, axis: DarcyOdeAxis.PseudoTime),
            "mnn-skip3" => new MechanisticDarcyNetwork(na, nu, channels: 4, levels: 2, steps: 30, order: 2, skipKernel: 3, axis: DarcyOdeAxis.PseudoTime),
            "mnn-space" => new MechanisticDarcyNetwork(na, nu, channels: 8),                 // the defaults but the width: ODEs along space
            "ablation-space" => new MechanisticDarcyNetwork(na, nu, channels: 8, ablation: true),
            _ => new MechanisticDarcyNetwork(na, nu, channels: 4, levels: 2, steps: 30, order: 2, skipKernel: 1, ablation: true, axis: DarcyOdeAxis.PseudoTime),
        };
    }

    [Fact]
    public void SpectralConvolutionEqualsTheExplicitTruncatedFourierSum()
    {
        manual_seed(5);
        const int ci = 2, co = 3, m1 = 2, m2 = 3, h = 7, w = 8, n = 2;
        using var layer = new SpectralConvolution2d(ci, co, m1, m2);
        var x = randn(n, ci, h, w);
        var got = layer.forward(x).to_type(ScalarType.Float64);
        var xs = x.to_type(ScalarType.Float64).data<double>().ToArray();
        var low = layer.Low.detach().to_type(ScalarType.Float64).data<double>().ToArray();
        var high = layer.High.detach().to_type(ScalarType.Float64).data<double>().ToArray();
        // Y[b, o, k1, k2] = Σ_i X[b, i, k1, k2] W_io(k1, k2) on the kept modes (k1 < m1 from Low, k1 ≥ h − m1 from High, k2 < m2);
        // y = inverse real DFT of the Hermitian spectrum Y has: the k2 = 0 column counts once (its real part), k2 > 0 twice.
        var expected = new double[n * co * h * w];
        for (int b = 0; b < n; b++)
            for (int o = 0; o < co; o++)
                for (int k1 = 0; k1 < h; k1++)
                {
                    bool isLow = k1 < m1, isHigh = k1 >= h - m1;
                    if (!isLow && !isHigh) continue;
                    int j1 = isLow ? k1 : k1 - (h - m1);
                    var weights = isLow ? low : high;
                    for (int k2 = 0; k2 < m2; k2++)
                    {
                        double yr = 0, yi = 0;
                        for (int i = 0; i < ci; i++)
                        {
                            double xr = 0, xi = 0;
                            for (int p = 0; p < h; p++)
                                for (int q = 0; q < w; q++)
                                {
                                    double angle = -2 * Math.PI * ((double)k1 * p / h + (double)k2 * q / w), v = xs[((b * ci + i) * h + p) * w + q];
                                    xr += v * Math.Cos(angle);
                                    xi += v * Math.Sin(angle);
                                }
                            int at = (((i * co + o) * m1 + j1) * m2 + k2) * 2;
                            double wr = weights[at], wi = weights[at + 1];
                            yr += xr * wr - xi * wi;
                            yi += xr * wi + xi * wr;
                        }
                        for (int p = 0; p < h; p++)
                            for (int q = 0; q < w; q++)
                            {
                                double angle = 2 * Math.PI * ((double)k1 * p / h + (double)k2 * q / w);
                                double real = yr * Math.Cos(angle) - yi * Math.Sin(angle);
                                expected[((b * co + o) * h + p) * w + q] += (k2 == 0 ? 1 : 2) * real / (h * w);
                            }
                    }
                }
        var actual = got.data<double>().ToArray();
        double scale = expected.Max(Math.Abs);
        Assert.True(scale > 1e-3, "the test input must excite the kept modes");
        for (int j = 0; j < expected.Length; j++) Assert.True(Math.Abs(actual[j] - expected[j]) < 1e-5 * scale + 1e-6, $"entry {j}: {actual[j]} vs {expected[j]}");
    }

    [Fact]
    public void SpectralConvolutionRefusesAGridTooSmallForItsModes()
    {
        using var layer = new SpectralConvolution2d(1, 1, 4, 4);
        Assert.Throws<ArgumentException>(() => layer.forward(zeros(1, 1, 7, 16)));
    }

    [Theory]
    [InlineData("fno")]
    [InlineData("mnn")]
    [InlineData("ablation")]
    [InlineData("mnn-skip3")]
    [InlineData("mnn-space")]
    [InlineData("ablation-space")]
    public void EveryModelMapsAFieldBatchToAFieldBatch(string kind)
    {
        manual_seed(1);
        var (a, u) = Synthetic(4, 16, 2);
        using var model = Build(kind, a, u);
        var y = model.forward(a.narrow(0, 0, 3));
        Assert.Equal(new long[] { 3, 16, 16 }, y.shape);
        Assert.True(y.isfinite().all().item<bool>());
        Assert.Throws<ArgumentException>(() => model.forward(zeros(2, 15, 15)));
    }

    [Fact]
    public void TheOdeTrajectoryIsTheThirtyStepSolutionOfItsDampedOscillator()
    {
        var trajectory = new OdeTrajectory(order: 2, steps: 30);
        // softplus(ln(e − 1)) = 1: u'' + u' + u = 0, b = 0, u(0) = 0, u'(0) = 1, raw step 0 → h = 0.005 + 0.195/2:
        // u(t) = (2/√3) e^(−t/2) sin(√3 t/2).
        float one = (float)Math.Log(Math.E - 1);
        var p = tensor(new float[] { one, one, 0, 0, 1, 0 }).reshape(1, 1, 6, 1, 1);
        var u = trajectory.forward(p);
        Assert.Equal(new long[] { 1, 1, 30, 1, 1 }, u.shape);
        double h = 0.005 + 0.195 * 0.5;
        var values = u.reshape(30).data<float>().ToArray();
        double Exact(double t) => 2 / Math.Sqrt(3) * Math.Exp(-t / 2) * Math.Sin(Math.Sqrt(3) * t / 2);
        for (int i = 0; i < 30; i++) Assert.True(Math.Abs(values[i] - Exact(i * h)) < 0.01, $"step {i}: {values[i]} vs {Exact(i * h)}");
        Assert.Equal(new long[] { 1, 1, 30, 1, 1 }, new LinearTrajectory(1, 6, 30).forward(p).shape);
    }

    /// <summary>
    /// Constant head numbers on a 5×5 map: every line is u'' + u' + u = 0, u(0) = 0, u'(0) = 1 with h = 0.1025, so each
    /// channel group must hold (2/√3) e^(−t/2) sin(√3 t/2) at t = h·(distance from its start edge): columns for the
    /// left→right group, reversed columns, rows, reversed rows. u′ is the closed form's derivative (its sign in the
    /// reversed groups is the line's own direction).
    /// </summary>
    [Fact]
    public void LineOdesRunAlongEveryRowAndColumnInFourDirections()
    {
        const int l = 5;
        float one = (float)Math.Log(Math.E - 1);
        var member = tensor(new float[] { one, one, 0, 0, 1, 0 }).reshape(1, 1, 6, 1, 1);
        var u = new LineOdeTrajectory(order: 2).forward(member.expand(new long[] { 1, 4, 6, l, l }).contiguous());
        Assert.Equal(new long[] { 1, 4, 2, l, l }, u.shape);
        double h = 0.005 + 0.195 * 0.5, w = Math.Sqrt(3) / 2;
        double Exact(double t) => Math.Exp(-t / 2) * Math.Sin(w * t) / w;
        double Slope(double t) => Math.Exp(-t / 2) * (Math.Cos(w * t) - 0.5 * Math.Sin(w * t) / w);
        var values = u.to_type(ScalarType.Float64).data<double>().ToArray();
        Func<int, int, int>[] distance = { (i, j) => j, (i, j) => l - 1 - j, (i, j) => i, (i, j) => l - 1 - i };
        for (int g = 0; g < 4; g++)
            for (int i = 0; i < l; i++)
                for (int j = 0; j < l; j++)
                {
                    double t = h * distance[g](i, j);
                    double got = values[((g * 2 + 0) * l + i) * l + j], slope = values[((g * 2 + 1) * l + i) * l + j];
                    Assert.True(Math.Abs(got - Exact(t)) < 0.01, $"group {g} pixel ({i}, {j}): u {got} vs {Exact(t)}");
                    Assert.True(Math.Abs(slope - Slope(t)) < 0.02, $"group {g} pixel ({i}, {j}): u′ {slope} vs {Slope(t)}");
                }
        Assert.Throws<ArgumentException>(() => new LineOdeTrajectory(2).forward(zeros(new long[] { 1, 4, 6, 5, 4 })));
        Assert.Throws<ArgumentException>(() => new LineOdeTrajectory(2).forward(zeros(new long[] { 1, 6, 6, 5, 5 })));
    }

    /// <summary>
    /// Changing one pixel's rhs moves, in the two row groups, only pixels of its row, and in the two column groups only
    /// pixels of its column; and every pixel downstream of it on that line (the least-squares solve also reaches a little
    /// upstream). The ablation's linear map moves that pixel alone.
    /// </summary>
    [Fact]
    public void ALinePixelInfluencesOnlyItsOwnLineAndAllOfItDownstream()
    {
        const int l = 6, row = 2, col = 3;
        manual_seed(11);
        var p = 0.3 * randn(new long[] { 1, 4, 6, l, l });
        var q = p.clone();
        q[0, TensorIndex.Colon, 2, row, col] += 1.0f;                                  // the rhs of every group at one pixel
        var solve = new LineOdeTrajectory(order: 2);
        var moved = (solve.forward(q) - solve.forward(p)).abs().amax(new long[] { 0, 2 }) > 1e-6; // (4, l, l)
        for (int i = 0; i < l; i++)
            for (int j = 0; j < l; j++)
            {
                var (onRow, onColumn) = (i == row, j == col);
                bool[] may = { onRow, onRow, onColumn, onColumn };
                bool[] must = { onRow && j >= col, onRow && j <= col, onColumn && i >= row, onColumn && i <= row };
                for (int g = 0; g < 4; g++)
                {
                    bool m = moved[g, i, j].item<bool>();
                    Assert.True(!m || may[g], $"group {g}: pixel ({i}, {j}) off the changed pixel's line moved");
                    Assert.True(m || !must[g], $"group {g}: pixel ({i}, {j}) downstream of the change did not move");
                }
            }
        var map = new LinearTrajectory(4, 6, LineOdeTrajectory.Outputs);
        var local = (map.forward(q) - map.forward(p)).abs().amax(new long[] { 0, 1, 2 }) > 1e-6;
        Assert.Equal(1, local.sum().item<long>());
        Assert.True(local[row, col].item<bool>());
    }

    [Fact]
    public void TheNormaliserRoundTripsAndStandardisesPointwise()
    {
        var (a, u) = Synthetic(20, 8, 3);
        var n = UnitGaussianNormalizer.Fit(u);
        var encoded = n.Encode(u);
        Assert.True(encoded.mean(new long[] { 0 }).abs().max().item<float>() < 1e-5);
        Assert.True((n.Decode(encoded) - u).abs().max().item<float>() < 1e-6);
        var file = new ModelFile("x", new Dictionary<string, double>(), n.Store("n").ToList());
        var back = UnitGaussianNormalizer.Restore(file, "n");
        Assert.True(back.Mean.eq(n.Mean).all().item<bool>() && back.Std.eq(n.Std).all().item<bool>());
        Assert.Throws<ArgumentException>(() => UnitGaussianNormalizer.Fit(u.narrow(0, 0, 1)));
    }

    [Fact]
    public void RelativeL2IsTheRatioOfNormsPerSample()
    {
        var y = tensor(new float[] { 3, 4, 0, 1 }).reshape(2, 2);
        var p = tensor(new float[] { 3, 5, 0, 0.5f }).reshape(2, 2);
        Assert.Equal(new[] { 0.2, 0.5 }, RelativeL2.PerSample(p, y).to_type(ScalarType.Float64).data<double>().ToArray(), new ToleranceComparer(1e-6));
        Assert.Equal(0.35, RelativeL2.Mean(p, y).item<float>(), 5);
        Assert.Equal(0.7, RelativeL2.Sum(p, y).item<float>(), 5);
    }

    [Theory]
    [InlineData("mnn")]
    [InlineData("mnn-space")]
    public void TheMnnLearnsATinyDarcyStandInOnTheCpu(string kind)
    {
        manual_seed(0);
        var (a, u) = Synthetic(40, 16, 4);
        var data = DarcySplit.Create(a.narrow(0, 0, 32), u.narrow(0, 0, 32), a.narrow(0, 32, 8), u.narrow(0, 32, 8));
        using var model = Build(kind, data.TrainA, data.TrainU);
        var result = DarcyTrainer.Train(model, data, new DarcyProtocol(Epochs: 40, BatchSize: 8, LearningRate: 1e-2, DecayEpochs: 25, ValidateEpochs: 5));
        double first = result.History[0].TrainLoss, last = result.History[^1].TrainLoss;
        Assert.True(first / last >= 5, $"training loss fell only from {first:E3} to {last:E3}");
        Assert.Equal(40, result.Epochs);
        Assert.True(result.TestAll < result.History[0].TrainLoss, $"test error {result.TestAll:E3} not below the first epoch's loss {first:E3}");
    }

    [Fact]
    public void CheckpointThenResumeGivesTheParametersOfAnUninterruptedRun()
    {
        var (a, u) = Synthetic(24, 16, 5);
        var data = DarcySplit.Create(a.narrow(0, 0, 20), u.narrow(0, 0, 20), a.narrow(0, 20, 4), u.narrow(0, 20, 4), validation: 4);
        var protocol = new DarcyProtocol(Epochs: 4, BatchSize: 8, LearningRate: 1e-2, DecayEpochs: 2, Seed: 9);
        double[] Run(Func<DarcyModel, DarcyModel> train)
        {
            manual_seed(2);
            using var model = Build("mnn", data.TrainA, data.TrainU);
            train(model);
            return model.parameters().SelectMany(p => p.detach().to_type(ScalarType.Float64).data<double>().ToArray()).ToArray();
        }
        var whole = Run(m => { DarcyTrainer.Train(m, data, protocol); return m; });
        var path = Path.Combine(_dir, "resume.json");
        Run(m => { DarcyTrainer.Train(m, data, protocol with { Epochs = 2 }, o => o with { CheckpointPath = path, CheckpointEvery = 3 }); return m; });
        var resumed = Run(m =>
        {
            var r = DarcyTrainer.Train(m, data, protocol, o => o with { CheckpointPath = path, CheckpointEvery = 3, Resume = true });
            Assert.Equal(4, r.Epochs);
            Assert.Equal(2, r.History.Count);
            return m;
        });
        Assert.Equal(whole, resumed);
    }

    [Fact]
    public void TwoReplicasOnHalfBatchesTrainTheMnnOfOneReplicaOnWholeBatches()
    {
        var (a, u) = Synthetic(20, 16, 8);
        var data = DarcySplit.Create(a.narrow(0, 0, 16), u.narrow(0, 0, 16), a.narrow(0, 16, 4), u.narrow(0, 16, 4));
        var protocol = new DarcyProtocol(Epochs: 2, BatchSize: 8, LearningRate: 1e-2, DecayEpochs: 2, Seed: 9);
        DarcyModel Fresh() { manual_seed(2); return Build("mnn", data.TrainA, data.TrainU); }
        static double[] Flat(DarcyModel m) => m.parameters().SelectMany(p => p.detach().to_type(ScalarType.Float64).data<double>().ToArray()).ToArray();
        using var single = Fresh();
        var initial = Flat(single);
        DarcyTrainer.Train(single, data, protocol);
        var models = new[] { Fresh(), Fresh() };                                 // built here: torch's generator is process-wide
        MechNN.Training.Distributed.InProcessCommunicator.Run(2, c => DarcyTrainer.Train(models[c.Rank], data, protocol, o => o with { Communicator = c }));
        var (expected, got) = (Flat(single), Flat(models[1]));
        double moved = expected.Zip(initial, (x, y) => Math.Abs(x - y)).Max(), off = expected.Zip(got, (x, y) => Math.Abs(x - y)).Max();
        Assert.True(off <= 1e-3 * moved, $"replica parameters differ by {off:E2} from one replica's (training moved them {moved:E2})");
        Assert.Equal(Flat(models[0]), got);
        foreach (var m in models) m.Dispose();
    }

    [Theory]
    [InlineData("fno")]
    [InlineData("mnn")]
    [InlineData("ablation")]
    [InlineData("mnn-skip3")]
    [InlineData("mnn-space")]
    [InlineData("ablation-space")]
    public void SaveThenLoadPredictsIdentically(string kind)
    {
        manual_seed(3);
        var (a, u) = Synthetic(6, 16, 6);
        using var model = Build(kind, a, u);
        var path = Path.Combine(_dir, kind + ".json");
        model.Save(path);
        using var loaded = DarcyModel.Load(ModelFile.Load(path));
        Assert.Equal(model.Kind, loaded.Kind);
        Assert.True(loaded.forward(a).eq(model.forward(a)).all().item<bool>(), "the reloaded model predicts differently");
        var file = ModelFile.Load(path);
        Assert.Throws<ModelFileException>(() => (kind == "fno" ? (Action)(() => MechanisticDarcyNetwork.Load(file)) : () => FourierNeuralOperator.Load(file))());
        Assert.Throws<ModelFileException>(() => DarcyModel.Load(file with { Parameters = file.Parameters.Where(p => p.Name != "normalizer.u.std").ToList() }));
        if (kind == "mnn-space")
        {
            var bad = file with { HyperParameters = new Dictionary<string, double>(file.HyperParameters) { ["odeAxis"] = 2 } };
            Assert.Contains("odeAxis", Assert.Throws<ModelFileException>(() => DarcyModel.Load(bad)).Message);
        }
        if (kind != "mnn") return;
        // A file written before --skip-kernel and --ode-axis existed has neither header entry: it is the 1×1-skip,
        // pseudo-time MNN it was trained with, whatever the defaults are now.
        using var old = DarcyModel.Load(file with { HyperParameters = file.HyperParameters.Where(kv => kv.Key is not ("skipKernel" or "odeAxis")).ToDictionary(kv => kv.Key, kv => kv.Value) });
        Assert.True(old.forward(a).eq(model.forward(a)).all().item<bool>(), "a pre-option file loads differently");
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(double obj) => 0;
    }
}

using System.CommandLine;
using MechNN.Cli.Distributed;
using MechNN.Cli.Rendering;
using MechNN.Experiments.Darcy;
using MechNN.Experiments.Darcy.Models;
using MechNN.IO.ModelFiles;
using MechNN.Training;
using MechNN.Training.Distributed;
using Spectre.Console;
using static TorchSharp.torch;

namespace MechNN.Cli.Commands;

/// <summary>`mechnn fit darcy DATA`: 2-D Darcy flow (paper §5.6), one of the MNN, its ablation or the FNO baseline on the FNO protocol.</summary>
internal static class DarcyCommand
{
    private static readonly string[] Models = { "mnn", "fno", "ablation" };

    private static readonly Dictionary<string, DarcyOdeAxis> Axes = new() { ["pseudo-time"] = DarcyOdeAxis.PseudoTime, ["space"] = DarcyOdeAxis.Space };

    private sealed record Sizes(int Width, int Modes, int Steps, int Order, int Levels, int SkipKernel, string OdeAxis);

    public static Command Create()
    {
        var path = new Argument<string>("data") { Description = "Darcy HDF5 file (`mechnn datagen darcy`, or a MATLAB v7.3 piececonst_r421_*.mat)." };
        var testData = new Option<string?>("--test-data") { Description = "Separate test file (e.g. piececonst_r421_N1024_smooth2.mat); its first --test samples are the test set. Without it the test set is DATA's samples after its training part." };
        var subsample = new Option<int>("--subsample") { Description = "Stride r applied when reading (5 turns the 421² originals into 85²).", DefaultValueFactory = _ => 1 };
        var model = new Option<string>("--model") { Description = "mnn, fno or ablation (the MNN with its solve replaced by a linear map).", DefaultValueFactory = _ => "mnn" };
        var epochs = new Option<int>("--epochs") { DefaultValueFactory = _ => 500 };
        var batch = new Option<int>("--batch") { DefaultValueFactory = _ => 20 };
        var train = new Option<int>("--train") { Description = "Training samples (the first of the file).", DefaultValueFactory = _ => 1000 };
        var test = new Option<int>("--test") { Description = "Test samples.", DefaultValueFactory = _ => 200 };
        var validation = new Option<int>("--validation") { Description = "Hold out the last N training samples: excluded from training, reported every epoch; make model choices on these. 0: report the test error instead (the reference script's habit).", DefaultValueFactory = _ => 0 };
        var validateEvery = new Option<int>("--validate-every") { Description = "Epochs between evaluations of the reported set.", DefaultValueFactory = _ => 1 };
        var learningRate = new Option<double>("--lr") { DefaultValueFactory = _ => 1e-3 };
        var width = new Option<int?>("--width") { Description = "FNO width (32) or MNN channels C (64)." };
        var modes = new Option<int>("--modes") { Description = "FNO Fourier modes each way.", DefaultValueFactory = _ => 12 };
        var steps = new Option<int>("--steps") { Description = "MNN ODE steps T with --ode-axis pseudo-time (along space the steps are the coarse map's pixels).", DefaultValueFactory = _ => 30 };
        var order = new Option<int>("--order") { Description = "MNN ODE order.", DefaultValueFactory = _ => 2 };
        var levels = new Option<int>("--levels") { Description = "MNN stride-2 downsamplings per block (1: 85 → 43).", DefaultValueFactory = _ => 1 };
        var skipKernel = new Option<int>("--skip-kernel") { Description = "Odd kernel size of each MNN block's skip convolution (1: pointwise; 3: a full-resolution local path).", DefaultValueFactory = _ => 3 };
        var odeAxis = new Option<string>("--ode-axis") { Description = "Where each MNN block's ODEs run: pseudo-time (one ODE per coarse pixel, --steps values as channels) or space (one ODE along every line of the coarse map, in four directions).", DefaultValueFactory = _ => "space" };
        var device = new Option<string>("--device") { Description = "cpu or cuda", DefaultValueFactory = _ => "cpu" };
        var seed = new Option<long>("--seed") { DefaultValueFactory = _ => 0 };
        var plot = new Option<string?>("--plot") { Description = "Folder for PNGs of a, u, prediction and |error| of 4 test samples." };
        var gpus = new Option<int>("--gpus") { Description = "Data-parallel training on N GPUs of this host: one process per GPU, gradients summed over NCCL (a torchrun-style launcher that sets RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and MASTER_PORT works too). 0: one process on --device.", DefaultValueFactory = _ => 0 };
        var output = new Option<string?>("--out") { Description = "JSON file of the results and the per-epoch history." };
        var command = new Command("darcy", "2-D Darcy flow a ↦ u: train and score one model on the FNO protocol (batch 20, Adam 1e-3, weight decay 1e-4, StepLR(100, 0.5)).")
            { path, testData, subsample, model, epochs, batch, train, test, validation, validateEvery, learningRate, width, modes, steps, order, levels, skipKernel, odeAxis, device, seed, plot, gpus, output };
        var files = new ModelFileOptions();
        files.AddTo(command);
        var checkpoint = new CheckpointOptions();
        checkpoint.AddTo(command);
        command.SetAction(p =>
        {
            var (save, load) = files.Get(p);
            var name = p.GetValue(model)!;
            if (!Models.Contains(name)) throw new ArgumentException($"--model must be one of {string.Join(", ", Models)} (got '{name}')");
            var sizes = new Sizes(p.GetValue(width) ?? (name == "fno" ? 32 : 64), p.GetValue(modes), p.GetValue(steps), p.GetValue(order), p.GetValue(levels), p.GetValue(skipKernel), p.GetValue(odeAxis)!);
            if (sizes.Width < 1 || sizes.Modes < 1 || sizes.Steps < 2 || sizes.Order < 1 || sizes.Levels < 0 || sizes.SkipKernel < 1 || sizes.SkipKernel % 2 == 0)
                throw new ArgumentException("--width, --modes and --order must be ≥ 1, --steps ≥ 2, --levels ≥ 0, --skip-kernel odd");
            if (!Axes.TryGetValue(sizes.OdeAxis, out var axis)) throw new ArgumentException($"--ode-axis must be one of {string.Join(", ", Axes.Keys)} (got '{sizes.OdeAxis}')");
            if (axis == DarcyOdeAxis.Space && name != "fno")                   // checked before the data are read; the model's constructor checks the same
            {
                if (sizes.Width % 4 != 0 || sizes.Order < 2)
                    throw new ArgumentException($"--ode-axis space runs the ODEs in four directions and returns u and u′: --width must be divisible by 4 and --order ≥ 2 (got {sizes.Width}, {sizes.Order})");
                if (p.GetResult(steps) is { Implicit: false })
                    throw new ArgumentException("--steps sets the pseudo-time trajectory; with --ode-axis space the steps are the coarse map's pixels (choose them with --levels)");
            }
            var (nTrain, nTest, nValidation, r) = (p.GetValue(train), p.GetValue(test), p.GetValue(validation), p.GetValue(subsample));
            if (nTrain < 2 || nTest < 1) throw new ArgumentException($"--train must be ≥ 2 and --test ≥ 1 (got {nTrain}, {nTest})");
            if (nValidation < 0 || nTrain - nValidation < 2) throw new ArgumentException($"--validation {nValidation} must be ≥ 0 and leave at least 2 of the {nTrain} training samples");
            if (r < 1) throw new ArgumentException($"--subsample must be ≥ 1 (got {r})");
            var protocol = new DarcyProtocol(p.GetValue(epochs), p.GetValue(batch), p.GetValue(learningRate), ValidateEpochs: p.GetValue(validateEvery), Seed: p.GetValue(seed)).Validated();
            if (!(protocol.LearningRate > 0)) throw new ArgumentException($"--lr must be positive (got {protocol.LearningRate})");
            var dev = BenchCommand.ParseDevice(p.GetValue(device)!);
            var group = DistributedEnvironment.Read();
            int gpuCount = p.GetValue(gpus);
            if (gpuCount < 0) throw new ArgumentException($"--gpus must be ≥ 0 (got {gpuCount})");
            if (group is null && gpuCount > 0)
            {
                if (load is not null) throw new ArgumentException("--gpus trains; scoring a --load model needs one process");
                return RankLauncher.Launch(gpuCount, p.Tokens.Select(t => t.Value).ToList(), Console.Error);
            }
            if (group is not null) dev = new Device(TorchSharp.DeviceType.CUDA, group.LocalRank);
            var settings = checkpoint.Get(p);
            Outputs.Check(("--save", save), ("--out", p.GetValue(output)), ("--checkpoint", settings.Path), ("--plot", p.GetValue(plot) is { } dir ? Path.Combine(dir, "a.png") : null));
            var data = ReadData(p.GetValue(path)!, p.GetValue(testData), r, nTrain, nTest);
            using var replicas = group is null ? null : NcclCommunicator.Connect(group, TimeSpan.FromMinutes(5));
            return Run(p, name, sizes, protocol, data, nValidation, dev, save, load, settings, p.GetValue(plot), p.GetValue(output), replicas);
        });
        return command;
    }

    /// <summary>
    /// The one seam between the data files and the models: the first <paramref name="train"/> training samples and
    /// <paramref name="test"/> test samples of the file(s) as (N, s, s) float32 tensors on the CPU.
    /// </summary>
    internal static (Tensor TrainA, Tensor TrainU, Tensor TestA, Tensor TestU) ReadData(string path, string? testPath, int subsample, int train, int test)
    {
        var data = DarcyDataFile.Read(path, subsample);
        if (data.TrainCount < train) throw new ArgumentException($"{path}: --train {train}, but the file holds {data.TrainCount} training samples");
        Tensor Fields(float[] values, int count, int size) => tensor(values, new long[] { count, size, size });
        var trainA = Fields(data.CoefficientsOf(0, train), train, data.GridSize);
        var trainU = Fields(data.SolutionsOf(0, train), train, data.GridSize);
        var (source, first, available) = testPath is null ? (data, data.TrainCount, data.TestCount) : (DarcyDataFile.Read(testPath, subsample), 0, 0);
        if (testPath is not null) available = source.Count;
        if (available < test) throw new ArgumentException($"{testPath ?? path}: --test {test}, but the file holds {available} test samples");
        if (source.GridSize != data.GridSize) throw new ArgumentException($"{testPath}: {source.GridSize}² grid, the training file's is {data.GridSize}²");
        return (trainA, trainU, Fields(source.CoefficientsOf(first, test), test, source.GridSize), Fields(source.SolutionsOf(first, test), test, source.GridSize));
    }

    private static DarcyModel Build(string name, Sizes sizes, DarcySplit data)
    {
        var (input, output) = (UnitGaussianNormalizer.Fit(data.TrainA), UnitGaussianNormalizer.Fit(data.TrainU));
        return name switch
        {
            "fno" => new FourierNeuralOperator(input, output, sizes.Width, sizes.Modes),
            _ => new MechanisticDarcyNetwork(input, output, sizes.Width, sizes.Levels, sizes.Steps, sizes.Order, ablation: name == "ablation", skipKernel: sizes.SkipKernel,
                axis: Axes[sizes.OdeAxis]),
        };
    }

    private static int Run(ParseResult parse, string name, Sizes sizes, DarcyProtocol protocol, (Tensor TrainA, Tensor TrainU, Tensor TestA, Tensor TestU) raw, int validation,
        Device device, string? save, string? load, CheckpointOptions.Settings checkpoints, string? plot, string? output, ICommunicator? replicas)
    {
        bool leader = replicas is null || replicas.Rank == 0;                  // rank 0 alone reports and writes
        var data = DarcySplit.Create(raw.TrainA, raw.TrainU, raw.TestA, raw.TestU, validation, device);
        DarcyModel model;
        DarcyResult result;
        if (load is not null)
        {
            model = DarcyModel.Load(ModelFile.Load(load)).MoveTo(device);
            if (model.GridSize != data.GridSize) throw new ArgumentException($"{load}: the model is for a {model.GridSize}² grid, the data are {data.GridSize}²");
            result = DarcyTrainer.Score(model, data, protocol.BatchSize);
        }
        else
        {
            manual_seed(protocol.Seed);
            model = Build(name, sizes, data).MoveTo(device);
            using var section = CliCancellation.Enter(out var cancel);
            TrainingOptions Configure(TrainingOptions o) => checkpoints.Apply(o, name) with { Communicator = replicas };
            result = leader
                ? ProgressDisplay.Run(display =>
                {
                    var line = display.Add(model.DisplayName, protocol.Epochs);
                    DarcyEpoch? last = null;
                    line.Detail = () => last is null ? "" : $"{last.Seconds:F1} s/epoch";
                    int perEpoch = DarcyTrainer.Options(protocol, data.TrainCount).ReportEvery;
                    return DarcyTrainer.Train(model, data, protocol, Configure, new EpochBar(line, perEpoch), e => last = e, cancel);
                })
                : DarcyTrainer.Train(model, data, protocol, Configure, cancellation: cancel);
            if (!leader) return CliErrors.Ok;
            if (save is not null)
            {
                SavedModel.Write("--save", save, model.Save);
                AnsiConsole.MarkupLine($"wrote [green]{Markup.Escape(save)}[/]");
            }
        }
        var monitored = validation > 0 ? $"validation ({validation} held-out training samples)" : "test";
        var table = new Table().Title(Markup.Escape($"Darcy flow {data.GridSize}×{data.GridSize}: {model.DisplayName}, {data.TrainCount} training / {data.TestCount} test samples" +
                (load is null ? $", {result.Epochs} epochs (per-epoch report: {monitored})" : $", loaded from {load}")))
            .AddColumns("model", "parameters", "rel. L2 (first 100 test)", "rel. L2 (all test)", "rel. L2 (validation)", "s/epoch");
        table.AddRow(Markup.Escape(model.Kind), result.Parameters.ToString("N0"), result.TestFirst100.ToString("F5"), result.TestAll.ToString("F5"),
            result.Validation?.ToString("F5") ?? "–", double.IsNaN(result.SecondsPerEpoch) ? "–" : result.SecondsPerEpoch.ToString("F2"));
        AnsiConsole.Write(table);
        if (plot is not null) Plot(plot, model, data);
        if (output is not null)
            Outputs.WriteResult(parse, output, new
            {
                model = model.Kind, loaded = load, device = device.ToString(), grid = data.GridSize,
                train = data.TrainCount, validation = data.ValidationCount, test = data.TestCount, protocol, sizes,
                result.Parameters, result.Epochs, result.TestFirst100, result.TestAll, result.Validation, result.SecondsPerEpoch, history = result.History,
            });
        return 0;
    }

    /// <summary>PNGs of a, u, the prediction and |error| for the first 4 test samples.</summary>
    private static void Plot(string folder, DarcyModel model, DarcySplit data)
    {
        int count = Math.Min(4, data.TestCount);
        var a = data.TestA.narrow(0, 0, count).cpu();
        var u = data.TestU.narrow(0, 0, count).cpu();
        var prediction = DarcyTrainer.Predict(model, data.TestA, count);
        var error = (prediction - u).abs();
        for (int i = 0; i < count; i++)
            foreach (var (field, label) in new[] { (a, "a"), (u, "u"), (prediction, "prediction"), (error, "error") })
            {
                var p = new ScottPlot.Plot();
                var heatmap = p.Add.Heatmap(Grid(field[i]));
                p.Add.ColorBar(heatmap);
                p.Title($"test sample {i}: {(label == "error" ? "|prediction − u|" : label)}");
                var path = PlotImage.Save(p, Path.Combine(folder, $"{model.Kind}-sample{i}-{label}.png"), 520, 440);
                AnsiConsole.MarkupLine($"wrote [green]{Markup.Escape(path)}[/]");
            }
    }

    private static double[,] Grid(Tensor field)
    {
        int s = (int)field.shape[0];
        var values = field.to_type(ScalarType.Float64).contiguous().data<double>().ToArray();
        var grid = new double[s, s];
        for (int i = 0; i < s; i++)
            for (int j = 0; j < s; j++) grid[i, j] = values[i * s + j];
        return grid;
    }

    /// <summary>Shows epochs, not steps, on the bar.</summary>
    private sealed class EpochBar(ProgressLine line, int perEpoch) : IProgress<MechNN.Training.TrainingProgress>
    {
        public void Report(MechNN.Training.TrainingProgress value) => line.Report(value with { Step = value.Step / perEpoch, Steps = value.Steps / perEpoch });
    }
}

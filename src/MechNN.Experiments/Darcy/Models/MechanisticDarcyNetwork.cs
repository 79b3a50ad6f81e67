using MechNN.IO.ModelFiles;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MechNN.Experiments.Darcy.Models;

/// <summary>Where the independent variable of each MNN block's ODEs lies.</summary>
public enum DarcyOdeAxis
{
    /// <summary>A pseudo-time per coarse pixel and channel: T = --steps values become T channels (the issue's reading of §5.6).</summary>
    PseudoTime = 0,

    /// <summary>Space: one ODE per line of the coarse map, its steps the line's pixels, run in all four directions (<see cref="LineOdeTrajectory"/>).</summary>
    Space = 1,
}

/// <summary>
/// The MNN PDE model of paper §5.6 for Darcy flow. The paper gives one sentence and a figure and no code of it is
/// public, so this is our reconstruction: a 1×1 lifting of (a, x, y) to C channels, three <see cref="MechanisticDarcyBlock"/>s
/// (downsample → per coarse pixel and channel the numbers of an order-R ODE → one batched solve → the solution as
/// channels → upsample → combine with the block input), and an output projection C → 128 → 1 with GELU.
/// The default runs the ODEs along space (<see cref="DarcyOdeAxis.Space"/>: one per line of the coarse map, four
/// directions, u and u′ as channels), which beat the FNO on the full protocol (docs/results/darcy.md);
/// <see cref="DarcyOdeAxis.PseudoTime"/> solves one ODE of T steps per coarse pixel and makes the T values channels.
/// With <c>ablation</c> the solve is replaced by a linear map of the same head outputs to as many values per pixel
/// (<see cref="LinearTrajectory"/>: no coupling between pixels); everything else is identical.
/// </summary>
public sealed class MechanisticDarcyNetwork : DarcyModel
{
    /// <summary>Model-file kind of the MNN.</summary>
    public const string KindName = "darcy-mnn";

    /// <summary>Model-file kind of the ablation.</summary>
    public const string AblationKindName = "darcy-ablation";

    private readonly Conv2d _lift, _hidden, _project;
    private readonly ModuleList<MechanisticDarcyBlock> _blocks;

    /// <summary>An MNN (or its ablation) with the given sizes.</summary>
    /// <param name="input">Normaliser of a.</param>
    /// <param name="output">Normaliser of u.</param>
    /// <param name="channels">Feature channels C.</param>
    /// <param name="levels">Stride-2 downsamplings per block (1: 85 → 43).</param>
    /// <param name="steps">ODE steps T (30 in the paper).</param>
    /// <param name="order">ODE order R (2).</param>
    /// <param name="blocks">MNN blocks (3 in the paper).</param>
    /// <param name="projection">Hidden width of the output projection.</param>
    /// <param name="ablation">Replace the solve by a linear map.</param>
    /// <param name="skipKernel">Odd kernel size of each block's skip convolution (3: a full-resolution local path).</param>
    /// <param name="axis">Pseudo-time ODEs per pixel, or ODEs along the map's lines (channels divisible by 4, order ≥ 2; steps unused).</param>
    /// <exception cref="ArgumentException">A size out of range.</exception>
    public MechanisticDarcyNetwork(UnitGaussianNormalizer input, UnitGaussianNormalizer output, int channels = 64, int levels = 1, int steps = 30,
        int order = 2, int blocks = 3, int projection = 128, bool ablation = false, int skipKernel = 3, DarcyOdeAxis axis = DarcyOdeAxis.Space)
        : base(nameof(MechanisticDarcyNetwork), input, output)
    {
        if (channels < 1 || levels < 0 || steps < 2 || order < 1 || blocks < 1 || projection < 1 || skipKernel < 1 || skipKernel % 2 == 0)
            throw new ArgumentException($"MNN sizes out of range (channels {channels}, levels {levels}, steps {steps}, order {order}, blocks {blocks}, projection {projection}, skip kernel {skipKernel} must be odd)");
        if (axis == DarcyOdeAxis.Space && (channels % 4 != 0 || order < 2))
            throw new ArgumentException($"ODEs along space run in four directions and return u and u′: channels must be divisible by 4 and order ≥ 2 (got {channels} channels, order {order})");
        Channels = channels; Levels = levels; Steps = steps; Order = order; Blocks = blocks; Projection = projection; Ablation = ablation; SkipKernel = skipKernel; Axis = axis;
        int perMember = OdeTrajectory.ParametersPerMember(order);
        int outputs = axis == DarcyOdeAxis.Space ? LineOdeTrajectory.Outputs : steps;
        nn.Module<Tensor, Tensor> Trajectory() => ablation ? new LinearTrajectory(channels, perMember, outputs)
            : axis == DarcyOdeAxis.Space ? new LineOdeTrajectory(order) : new OdeTrajectory(order, steps);
        _lift = nn.Conv2d(3, channels, 1);
        _blocks = new ModuleList<MechanisticDarcyBlock>(Enumerable.Range(0, blocks).Select(_ => new MechanisticDarcyBlock(channels, levels, perMember, outputs,
            Trajectory(), skipKernel)).ToArray());
        _hidden = nn.Conv2d(channels, projection, 1);
        _project = nn.Conv2d(projection, 1, 1);
        RegisterComponents();
    }

    /// <summary>Feature channels C.</summary>
    public int Channels { get; }

    /// <summary>Stride-2 downsamplings per block.</summary>
    public int Levels { get; }

    /// <summary>ODE steps T.</summary>
    public int Steps { get; }

    /// <summary>ODE order R.</summary>
    public int Order { get; }

    /// <summary>Number of MNN blocks.</summary>
    public int Blocks { get; }

    /// <summary>Hidden width of the projection.</summary>
    public int Projection { get; }

    /// <summary>Kernel size of each block's skip convolution.</summary>
    public int SkipKernel { get; }

    /// <summary>Where the blocks' ODEs run.</summary>
    public DarcyOdeAxis Axis { get; }

    /// <summary>True for the ablation (no solve).</summary>
    public bool Ablation { get; }

    /// <inheritdoc/>
    public override string Kind => Ablation ? AblationKindName : KindName;

    /// <inheritdoc/>
    public override string DisplayName => $"{(Ablation ? "ablation" : "MNN")} ({Channels} channels, {(Axis == DarcyOdeAxis.Space ? "ODEs along space" : $"{Steps} steps")}, order {Order}{(SkipKernel > 1 ? $", {SkipKernel}×{SkipKernel} skips" : "")})";

    /// <inheritdoc/>
    protected override IReadOnlyDictionary<string, double> HyperParameters => new Dictionary<string, double>
    {
        ["channels"] = Channels, ["levels"] = Levels, ["steps"] = Steps, ["order"] = Order, ["blocks"] = Blocks, ["projection"] = Projection, ["skipKernel"] = SkipKernel, ["odeAxis"] = (int)Axis, ["grid"] = GridSize,
    };

    /// <inheritdoc/>
    protected override Tensor Network(Tensor features)
    {
        var h = _lift.forward(features);
        foreach (var block in _blocks) h = block.forward(h);
        return _project.forward(nn.functional.gelu(_hidden.forward(h)));
    }

    /// <summary>Rebuilds a saved MNN or ablation: architecture from the header, then the weights and normalisers.</summary>
    /// <param name="file">The model file.</param>
    /// <returns>The model, on the CPU.</returns>
    /// <exception cref="ModelFileException">Another kind, or a corrupt file.</exception>
    public static new MechanisticDarcyNetwork Load(ModelFile file)
    {
        file.Expect(KindName, AblationKindName);
        var (input, output) = Normalizers(file);
        var model = new MechanisticDarcyNetwork(input, output, file.HyperInt("channels"), file.HyperInt("levels", 0), file.HyperInt("steps", 2),
            file.HyperInt("order"), file.HyperInt("blocks"), file.HyperInt("projection"), file.Kind == AblationKindName,
            file.HyperParameters.ContainsKey("skipKernel") ? file.HyperInt("skipKernel") : 1, // files written before an option had its old behaviour
            AxisOf(file));
        RestoreNetwork(file, model);
        return model;
    }

    private static DarcyOdeAxis AxisOf(ModelFile file)
    {
        if (!file.HyperParameters.ContainsKey("odeAxis")) return DarcyOdeAxis.PseudoTime;
        int axis = file.HyperInt("odeAxis", 0);
        return Enum.IsDefined((DarcyOdeAxis)axis) ? (DarcyOdeAxis)axis : throw new ModelFileException($"{file.Source}: hyper-parameter 'odeAxis' = {axis} is neither 0 (pseudo-time) nor 1 (space)");
    }
}

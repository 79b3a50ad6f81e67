using MechNN.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MechNN.Discovery;

/// <summary>Where ξ (features × states) comes from during MNN discovery.</summary>
internal interface ICoefficientSource
{
    Tensor Value();
    /// <summary>Makes <see cref="Value"/> equal (or fit) the given ξ.</summary>
    void Set(Tensor xi);
    IEnumerable<Parameter> Parameters();
}

/// <summary>ξ as a direct parameter (the reference's lorenz_ind variant).</summary>
internal sealed class DirectCoefficients(int features, int states) : ICoefficientSource
{
    private readonly Parameter _xi = new(zeros(features, states, dtype: ScalarType.Float64));
    public Tensor Value() => _xi;
    public void Set(Tensor xi) { using var noGrad = no_grad(); _xi.copy_(xi); }
    public IEnumerable<Parameter> Parameters() => new[] { _xi };
}

/// <summary>
/// ξ produced by a network from a learnable code (the reference's lorenz variant: MLP(64 → width → width → F·n)).
/// <see cref="Set"/> fits the network's output to a given ξ by a few hundred Adam steps.
/// </summary>
internal sealed class NetworkCoefficients : ICoefficientSource
{
    private readonly Parameter _code;
    private readonly Sequential _net;
    private readonly int _features, _states;

    public NetworkCoefficients(int features, int states, int width)
    {
        _features = features; _states = states;
        _code = new Parameter(randn(64, dtype: ScalarType.Float64));
        _net = nn.Sequential(nn.Linear(64, width), nn.ReLU(), nn.Linear(width, width), nn.ReLU(), nn.Linear(width, features * states));
        _net.to(ScalarType.Float64);
    }

    public Tensor Value() => _net.forward(_code).reshape(_features, _states);

    public void Set(Tensor xi)
    {
        using var enable = enable_grad();
        new Trainer(Parameters(), new TrainingOptions { Steps = 500, LearningRate = 1e-3, TargetLoss = 1e-10 })
            .Fit(_ => (Value() - xi).square().mean());
    }

    public IEnumerable<Parameter> Parameters() => _net.parameters().Append(_code);
}

using MechNN.Integrators;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MechNN.Experiments.Sine;

/// <summary>
/// Neural-ODE baseline: z' = W₂·tanh(W₁z + b₁) + b₂ (a 2→64→2 MLP), z(0) learnable (initialised (0, 1)), integrated
/// by RK4 with one step per output interval; the fit is z₀(t).
/// </summary>
public sealed class NeuralOdeSineModel : ISineModel
{
    private readonly Sequential _field;
    private readonly Parameter _z0;
    private readonly double[] _times;

    public string Name => "Neural ODE (2→64→2 tanh, RK4)";

    public NeuralOdeSineModel(double[] times, Device device, ScalarType dtype, long seed, int hidden = 64)
    {
        manual_seed(seed);
        _field = nn.Sequential(nn.Linear(2, hidden), nn.Tanh(), nn.Linear(hidden, 2));
        _field.to(dtype).to(device);
        _z0 = new Parameter(tensor(new double[] { 0, 1 }, dtype: ScalarType.Float64).to(dtype, device));
        _times = times;
    }

    public Tensor Predict() => Rk4.Integrate((_, z) => _field.forward(z), _z0, _times).select(-1, 0);

    public IEnumerable<Parameter> Parameters() => _field.parameters().Append(_z0);
}

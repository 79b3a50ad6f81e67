using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MechNN.Models.F16;

/// <summary>
/// SONODE baseline (Norcliffe et al. 2020): a2'' = Linear([a2, a2', a1(t)]) with a learned initial velocity, a1 linearly
/// interpolated, integrated by RK4 with one step per sample (backprop through the steps).
/// </summary>
public sealed class SonodeVibrationModel : IVibrationModel
{
    private readonly Linear _linear;
    private readonly Parameter _velocity = new(zeros(1, dtype: ScalarType.Float64));

    public string Name => "SONODE (a2'' = Linear([a2, a2', a1]), RK4)";

    public SonodeVibrationModel(long seed)
    {
        manual_seed(seed);
        _linear = nn.Linear(3, 1, dtype: ScalarType.Float64);
        // The SONODE authors rerun initialisations that blow up (a positive a2 or a2' weight grows like e^t over 1000
        // steps); starting with restoring and damping signs is that rerun done once, deterministically.
        using var noGrad = no_grad();
        var w = _linear.weight!;
        w[0, 0] = -w[0, 0].abs();
        w[0, 1] = -w[0, 1].abs();
    }

    public Tensor Predict(Tensor forcing, double initialValue)
    {
        long T = forcing.size(0);
        var f = forcing.data<double>().ToArray();
        var w = _linear.weight!.reshape(3);
        var b = _linear.bias!.reshape(1);
        Tensor wa = w[0], wv = w[1], wf = w[2];
        var z = cat(new[] { full(1, initialValue, dtype: ScalarType.Float64), _velocity });                 // (a2, a2')
        var states = new List<Tensor> { z[0] };
        // The linear layer written out: fewer tensor ops per RK4 stage than cat + Linear.
        Tensor Field(Tensor s, double a1) => stack(new[] { s[1], wa * s[0] + wv * s[1] + wf * a1 + b[0] });
        for (int t = 0; t + 1 < T; t++)
        {
            double mid = 0.5 * (f[t] + f[t + 1]);
            var k1 = Field(z, f[t]);
            var k2 = Field(z + 0.5 * k1, mid);
            var k3 = Field(z + 0.5 * k2, mid);
            var k4 = Field(z + k3, f[t + 1]);
            z = z + (k1 + 2 * k2 + 2 * k3 + k4) / 6;
            states.Add(z[0]);
        }
        return stack(states);
    }

    public IEnumerable<Parameter> Parameters() => _linear.parameters().Append(_velocity);
}

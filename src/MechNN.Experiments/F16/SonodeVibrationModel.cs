using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MechNN.Experiments.F16;

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
        // Explicit Scalars held to the end, and add(x, one) for '+': TorchSharp's operators create temporary Scalars (even
        // '+' passes an implicit alpha = 1) that the GC may finalise while libtorch still reads them; over the 10⁵ ops of
        // one RK4 pass that crashed runs ("Unknown scalar type", "toDouble").
        using Scalar one = 1.0, half = 0.5, two = 2.0, six = 6.0;
        var f = forcing.detach();
        var mid = f.narrow(0, 0, T - 1).add(f.narrow(0, 1, T - 1), one).mul(half);
        var w = _linear.weight!.reshape(3);
        var b = _linear.bias!.reshape(1);
        Tensor wa = w[0], wv = w[1], wf = w[2], bias = b[0];
        var z = cat(new[] { full(1, initialValue, dtype: ScalarType.Float64), _velocity });                 // (a2, a2')
        var states = new List<Tensor> { z[0] };
        // The linear layer written out: fewer tensor ops per RK4 stage than cat + Linear.
        Tensor Field(Tensor s, Tensor a1) => stack(new[] { s[1], wa.mul(s[0]).add(wv.mul(s[1]), one).add(wf.mul(a1), one).add(bias, one) });
        for (int t = 0; t + 1 < T; t++)
        {
            var k1 = Field(z, f[t]);
            var k2 = Field(z.add(k1.mul(half), one), mid[t]);
            var k3 = Field(z.add(k2.mul(half), one), mid[t]);
            var k4 = Field(z.add(k3, one), f[t + 1]);
            z = z.add(k1.add(k2.mul(two), one).add(k3.mul(two), one).add(k4, one).div(six), one);
            states.Add(z[0]);
        }
        GC.KeepAlive(one); GC.KeepAlive(half); GC.KeepAlive(two); GC.KeepAlive(six);
        return stack(states);
    }

    public IEnumerable<Parameter> Parameters() => _linear.parameters().Append(_velocity);
}

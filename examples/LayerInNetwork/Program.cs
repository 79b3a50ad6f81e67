// A mechanistic layer inside a network, trained on data: a small MLP maps a damping ratio ζ to the coefficients of
// u'' + a·u' + b·u = 0; the layer solves that ODE differentiably, and Adam fits the MLP so the solutions match observed
// trajectories. Afterwards the MLP has learned the physics (a ≈ 2ζ, b ≈ 1) and predicts dampings it never saw.
using MechNN.Layers;
using MechNN.Ode;
using MechNN.Training;
using TorchSharp;
using static TorchSharp.torch;

int trainingSteps = args.Length > 0 ? int.Parse(args[0]) : 800;
const int T = 100;
const double h = 0.1;
manual_seed(0);

// Observed trajectories: u(t) = e^(−ζt)(cos ωt + ζ/ω sin ωt), ω = √(1 − ζ²), from u(0) = 1, u'(0) = 0.
Tensor Trajectories(Tensor zeta)
{
    var t = arange(T, dtype: float64) * h;
    var z = zeta.unsqueeze(-1);
    var omega = (1 - z * z).sqrt();
    return (-z * t).exp() * ((omega * t).cos() + z / omega * (omega * t).sin());
}
var trainZeta = linspace(0.05, 0.5, 8, dtype: float64);
var observed = Trajectories(trainZeta);                                           // (8, T)

var network = nn.Sequential(nn.Linear(1, 16, dtype: float64), nn.Tanh(), nn.Linear(16, 2, dtype: float64));
var layer = new MechanisticLayer(new OdeSpec(order: 2) { InitialSteps = 1, InitialOrders = 2 }, LayerMode.Independent);
Tensor Solve(Tensor zeta)
{
    var ab = network.forward(zeta.unsqueeze(-1));                                 // (B, 2): a, b
    var coefficients = stack(new[] { ab[.., 1], ab[.., 0], ones_like(ab[.., 0]) }, -1).unsqueeze(-2); // (B, 1, 3): b·u + a·u' + u''
    var initial = tensor(new double[] { 1, 0 }).expand(zeta.shape[0], 1, 2);     // (B, S = 1, k = 2): u(0), u'(0)
    return layer.forward(coefficients, zeros(zeta.shape[0], 1, dtype: float64), initial, full(T - 1, h, dtype: float64)).Values; // (B, T)
}

var result = new Trainer(network, new TrainingOptions { Steps = trainingSteps, LearningRate = 1e-2 })
    .Fit(_ => (Solve(trainZeta) - observed).square().mean());
Console.WriteLine($"training MSE: {result.LossHistory[0]:E2} → {result.FinalLoss:E2} after {result.Steps} Adam steps");

using (no_grad())
{
    var unseen = tensor(new[] { 0.3 }, dtype: float64);
    var ab = network.forward(unseen.unsqueeze(-1));
    Console.WriteLine($"ζ = 0.3 (not in the training set): a = {ab[0, 0].item<double>():F3} (true 0.600), b = {ab[0, 1].item<double>():F3} (true 1.000)");
    Console.WriteLine($"its trajectory's MSE against the closed form: {(Solve(unseen) - Trajectories(unseen)).square().mean().item<double>():E2}");
}

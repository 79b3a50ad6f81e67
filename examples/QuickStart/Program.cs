// Quick start: solve one linear ODE with the MNN solver and compare it with its closed form.
using MechNN.Ode;
using static TorchSharp.torch;

// u'' + u = 0 with u(0) = 0, u'(0) = 1 on T = 200 steps of h = 0.05: the solution is sin t.
const int T = 200;
const double h = 0.05;
var spec = new OdeSpec(order: 2) { InitialSteps = 1, InitialOrders = 2, Epsilon = false };
var coefficients = tensor(new double[] { 1, 0, 1 }).reshape(1, 1, 1, 3); // (T|1, E, D, R+1): 1·u + 0·u' + 1·u'', the same at every step
var rhs = zeros(1, 1, dtype: float64);                                     // (T|1, E): = 0
var initial = tensor(new double[] { 0, 1 }).reshape(1, 1, 2);              // (S, D, k): u(0) = 0, u'(0) = 1
var steps = full(T - 1, h, dtype: float64);                                // (T−1): uniform steps

var solution = OdeSolve.Solve(spec, coefficients, rhs, initial, steps);   // u and u', u'' at every step
var u = solution.Values.flatten();                                         // (T)
var exact = (arange(T, dtype: float64) * h).sin();
Console.WriteLine($"u(t) at t = {(T - 1) * h:F2}: {u[^1].item<double>():F4} (sin: {exact[^1].item<double>():F4})");
Console.WriteLine($"max |u − sin t| over {T} steps: {(u - exact).abs().max().item<double>():E2} (second order: halve h, quarter the error)");

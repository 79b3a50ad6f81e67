using MechNN.Ode.Rows;
using MechNN.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace MechNN.Ode;

/// <summary>
/// A validated batch of linear ODE problems: the spec plus the four input tensors. Any leading batch shape is allowed
/// and the inputs broadcast against each other; size-1 step (T), equation (E) and initial-step (S) axes broadcast too,
/// and are never expanded by the caller.
/// <list type="bullet">
/// <item>coefficients (…, T|1, E|1, D, R+1)</item>
/// <item>rhs (…, T|1, E|1)</item>
/// <item>initialValues (…, S|1, D, k) — may be null when S = 0</item>
/// <item>steps (…, T−1|1), all positive</item>
/// </list>
/// </summary>
public sealed class OdeProblem
{
    /// <summary>The spec the inputs were checked against.</summary>
    public OdeSpec Spec { get; }
    /// <summary>Number of steps T.</summary>
    public int StepCount { get; }
    /// <summary>Coefficients (…, T|1, E|1, D, R+1), as given (not expanded).</summary>
    public Tensor Coefficients { get; }
    /// <summary>Right-hand side (…, T|1, E|1).</summary>
    public Tensor Rhs { get; }
    /// <summary>Initial values (…, S|1, D, k); an empty (0, D, 0) tensor when S = 0.</summary>
    public Tensor InitialValues { get; }
    /// <summary>Step sizes (…, T−1|1), all positive.</summary>
    public Tensor Steps { get; }
    /// <summary>Broadcast batch shape of the four inputs.</summary>
    public long[] BatchShape { get; }
    /// <summary>Number of systems: the product of <see cref="BatchShape"/>.</summary>
    public long BatchSize => BatchShape.Aggregate(1L, (a, b) => a * b);
    /// <summary>Shape of the solution U: (…, T, D, R+1) over the batch shape.</summary>
    public long[] SolutionShape { get; }
    /// <summary>The row layout of this problem's shape, derived once and read by every solver.</summary>
    internal RowLayout Layout { get; }

    private OdeProblem(OdeSpec spec, int steps, Tensor c, Tensor b, Tensor iv, Tensor h, long[] batch)
    {
        Spec = spec; StepCount = steps; Coefficients = c; Rhs = b; InitialValues = iv; Steps = h; BatchShape = batch;
        SolutionShape = batch.Concat(new long[] { steps, spec.Dims, spec.Order + 1 }).ToArray();
        Layout = new RowLayout(spec, steps);
    }

    /// <summary>
    /// Validates shapes, dtypes and devices, and the values (finite; steps positive) of CPU inputs; throws
    /// <see cref="OdeInputException"/> with the offending tensor and member. The values of inputs on another device are
    /// checked when the problem is solved, with the same exception: the CUDA kernels check them as they read them
    /// (a round trip to the device less), every other solver through <see cref="EnsureValuesChecked"/>.
    /// </summary>
    /// <param name="stepCount">T; inferred from the inputs when omitted (required only if every step axis is broadcast).</param>
    public static OdeProblem Create(OdeSpec spec, Tensor coefficients, Tensor rhs, Tensor? initialValues, Tensor steps, int? stepCount = null) =>
        Create(spec, coefficients, rhs, initialValues, steps, stepCount, deferValueChecks: coefficients.device_type != DeviceType.CPU);

    /// <summary><see cref="Create(OdeSpec, Tensor, Tensor, Tensor?, Tensor, int?)"/>; tests defer the value checks of CPU
    /// inputs too, to exercise the kernels' own checks.</summary>
    internal static OdeProblem Create(OdeSpec spec, Tensor coefficients, Tensor rhs, Tensor? initialValues, Tensor steps, int? stepCount, bool deferValueChecks)
    {
        spec.Validated();
        int r1 = spec.Order + 1, d = spec.Dims, s = spec.InitialSteps, k = spec.ConstrainedInitialOrders;
        RequireRank(coefficients, "coefficients", 4, $"(…, T, {spec.Equations}, {d}, {r1})");
        RequireRank(rhs, "rhs", 2, $"(…, T, {spec.Equations})");
        RequireRank(steps, "steps", 1, "(…, T−1)");
        if (s == 0)
        {
            if (initialValues is not null && initialValues.numel() != 0)
                throw new OdeInputException($"initialValues were given (shape {Fmt(initialValues.shape)}) but the spec has InitialSteps = 0.");
            initialValues = zeros(new long[] { 0, d, 0 }, dtype: coefficients.dtype, device: coefficients.device);
        }
        else
        {
            if (initialValues is null) throw new OdeInputException($"initialValues are required: the spec has InitialSteps = {s}; expected shape (…, {s}, {d}, {k}).");
            RequireRank(initialValues, "initialValues", 3, $"(…, {s}, {d}, {k})");
        }

        int t = stepCount ?? InferSteps(coefficients, rhs, steps);
        if (t < 2) throw new OdeInputException($"At least 2 steps are needed (T = {t}).");
        RequireSolvableSize(spec, t);
        if (s > t) throw new OdeInputException($"InitialSteps = {s} exceeds the number of steps T = {t}.");

        RequireTail(coefficients, "coefficients", new long[] { t, spec.Equations, d, r1 }, new[] { true, true, false, false });
        RequireTail(rhs, "rhs", new long[] { t, spec.Equations }, new[] { true, true });
        RequireTail(steps, "steps", new long[] { t - 1 }, new[] { true });
        if (s > 0) RequireTail(initialValues, "initialValues", new long[] { s, d, k }, new[] { true, false, false });

        var inputs = Inputs(coefficients, rhs, initialValues, steps);
        foreach (var (name, x, _) in inputs)
        {
            if (!x.is_floating_point()) throw new OdeInputException($"{name} must be a floating-point tensor (got {x.dtype}).");
            if (x.dtype != coefficients.dtype)
                throw new OdeInputException($"{name} is {x.dtype} but coefficients are {coefficients.dtype}: give all four inputs one dtype (MechanisticLayer casts for you).");
            if (x.device.type != coefficients.device.type || x.device.index != coefficients.device.index)
                throw new OdeInputException($"{name} is on {x.device} but coefficients are on {coefficients.device}.");
        }
        var batch = BroadcastBatch(inputs.Where(p => !(p.Item1 == "initialValues" && s == 0)).Select(p => (p.Item1, p.Item2, p.Item3)));
        var problem = new OdeProblem(spec, t, coefficients, rhs, initialValues, steps, batch) { ValuesPending = true };
        if (!deferValueChecks) problem.EnsureValuesChecked();
        return problem;
    }

    /// <summary>True while the input values have not been checked yet (see <see cref="Create(OdeSpec, Tensor, Tensor, Tensor?, Tensor, int?)"/>).</summary>
    internal bool ValuesPending { get; private set; }

    /// <summary>
    /// Checks the input values (finite; steps positive) unless that was done already; a custom <see cref="Solvers.IOdeSolver"/>
    /// calls it before it reads them. CPU inputs are scanned in place; the rest take one device round trip for all their
    /// checks (one reduction per input, one stack, one read). The detailed scans that name the offending element run only
    /// when one fails.
    /// </summary>
    /// <exception cref="OdeInputException">Some value is NaN or infinite, or some step is not positive.</exception>
    public void EnsureValuesChecked()
    {
        if (!ValuesPending) return;
        var inputs = Inputs(Coefficients, Rhs, InitialValues, Steps);
        var scanned = inputs.Select(p => ValueScan.AllFinite(p.Item2, positive: p.Item1 == "steps")).ToArray();
        bool valid = scanned.All(v => v != false);
        if (valid && scanned.Any(v => v is null))
            using (NewDisposeScope())
            {
                var pending = inputs.Where((_, i) => scanned[i] is null).ToArray();
                valid = stack(pending.Select(p => p.Item2.isfinite().all())
                    .Concat(pending.Where(p => p.Item1 == "steps").Select(p => p.Item2.gt(0).all()))).all().item<bool>();
            }
        if (!valid)
        {
            foreach (var (name, x, trailing) in inputs) RequireFinite(x, name, trailing);
            RequirePositive(Steps);
        }
        ValuesPending = false;
    }

    private static (string, Tensor, int)[] Inputs(Tensor c, Tensor b, Tensor iv, Tensor h) =>
        new[] { ("coefficients", c, 4), ("rhs", b, 2), ("initialValues", iv, 3), ("steps", h, 1) };

    /// <summary>Adds leading size-1 axes so that <paramref name="x"/> has the batch rank (a view, no copy).</summary>
    internal Tensor AlignBatch(Tensor x, int trailing)
    {
        var missing = BatchShape.Length + trailing - (int)x.dim();
        return missing == 0 ? x.alias() : x.reshape(Enumerable.Repeat(1L, missing).Concat(x.shape).ToArray());
    }

    private static int InferSteps(Tensor c, Tensor b, Tensor h)
    {
        var candidates = new List<(string, long)>();
        if (c.shape[^4] != 1) candidates.Add(("coefficients", c.shape[^4]));
        if (b.shape[^2] != 1) candidates.Add(("rhs", b.shape[^2]));
        if (h.shape[^1] != 1) candidates.Add(("steps", h.shape[^1] + 1));
        if (candidates.Count == 0)
            throw new OdeInputException("Cannot infer the number of steps T: coefficients, rhs and steps all broadcast along the step axis; pass stepCount.");
        var distinct = candidates.Select(p => p.Item2).Distinct().ToList();
        if (distinct.Count > 1)
            throw new OdeInputException("Inputs disagree on the number of steps T: " + string.Join(", ", candidates.Select(p => $"{p.Item1} gives T = {p.Item2}")) + ".");
        if (distinct[0] > int.MaxValue)
            throw new OdeInputException($"T = {distinct[0]:N0} steps is more than one problem can hold ({int.MaxValue:N0}); split the time axis into windows.");
        return (int)distinct[0];
    }

    /// <summary>
    /// Refuses, before anything is allocated, a problem whose members the solvers cannot address: they index one
    /// member's buffers with 32-bit offsets, and the largest — the factor's diagonal blocks, T·n² values for n = D·(R+1)
    /// unknowns per step, or the coefficients, T·E·n — must stay within int.MaxValue values.
    /// </summary>
    private static void RequireSolvableSize(OdeSpec spec, long t)
    {
        long n = (long)spec.Dims * (spec.Order + 1);
        long values = t * n * Math.Max(n, spec.Equations);
        if (values <= int.MaxValue) return;
        throw new OdeInputException($"Problem too large: T = {t:N0} steps × n² = {n * n} (n = {n} unknowns per step) is {values:N0} values " +
            $"({values * 8.0 / (1L << 30):F1} GiB) per member, more than the solvers address ({int.MaxValue:N0}); split the time axis into windows.");
    }

    private static void RequireRank(Tensor x, string name, int trailing, string expected)
    {
        if (x.dim() < trailing) throw new OdeInputException($"{name} has shape {Fmt(x.shape)}; expected {expected} with any leading batch axes.");
    }

    private static void RequireTail(Tensor x, string name, long[] expected, bool[] broadcastable)
    {
        var tail = x.shape[^expected.Length..];
        for (int i = 0; i < expected.Length; i++)
        {
            if (tail[i] == expected[i] || (broadcastable[i] && tail[i] == 1)) continue;
            var want = string.Join(", ", expected.Select((e, j) => broadcastable[j] ? $"{e}|1" : e.ToString()));
            throw new OdeInputException($"{name} has shape {Fmt(x.shape)}; expected (…, {want}) (axis {i - expected.Length} is {tail[i]}).");
        }
    }

    private static long[] BroadcastBatch(IEnumerable<(string Name, Tensor X, int Trailing)> inputs)
    {
        var list = inputs.ToList();
        int rank = list.Max(p => (int)p.X.dim() - p.Trailing);
        var shape = Enumerable.Repeat(1L, rank).ToArray();
        foreach (var (name, x, trailing) in list)
        {
            var own = x.shape[..^trailing];
            for (int i = 0; i < own.Length; i++)
            {
                int at = rank - own.Length + i;
                if (own[i] == 1 || own[i] == shape[at]) continue;
                if (shape[at] != 1)
                    throw new OdeInputException($"Batch shapes do not broadcast: {name} has batch shape {Fmt(own)} against {Fmt(shape)} from the other inputs.");
                shape[at] = own[i];
            }
        }
        return shape;
    }

    private static void RequireFinite(Tensor x, string name, int trailing)
    {
        using var scope = NewDisposeScope();
        var bad = x.isfinite().logical_not();
        if (!bad.any().item<bool>()) return;
        var idx = bad.nonzero()[0].data<long>().ToArray();
        throw new OdeInputException($"{name} contains NaN or Inf: first at batch member {Member(idx, trailing)}, element {Fmt(idx[^trailing..])} of shape {Fmt(x.shape)}.");
    }

    private static void RequirePositive(Tensor steps)
    {
        using var scope = NewDisposeScope();
        var bad = steps.le(0);
        if (!bad.any().item<bool>()) return;
        var idx = bad.nonzero()[0].data<long>().ToArray();
        var value = steps[idx.Select(i => TensorIndex.Single(i)).ToArray()].item<double>();
        throw new OdeInputException($"steps must be positive: batch member {Member(idx, 1)} has step {idx[^1]} = {value}.");
    }

    private static string Member(long[] index, int trailing) => "[" + string.Join(",", index[..^trailing]) + "]";

    internal static string Fmt(IEnumerable<long> shape) => "(" + string.Join(", ", shape) + ")";
}

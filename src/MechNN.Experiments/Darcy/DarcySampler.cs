namespace MechNN.Experiments.Darcy;

/// <summary>
/// One Darcy sample by the recipe (anchors.md §3.3): GRF on the s×s cell-centred grid xₘ = (2m+1)/(2s) → a = high/low
/// by sign → a spline-interpolated to the node grid x = p/(s−1) → 5-point solve with f = 1 → u spline-interpolated back
/// to the cell centres → both fields strided by r. Holds per-thread work space; not thread-safe.
/// </summary>
public sealed class DarcySampler
{
    private readonly DarcyGenerationParameters _parameters;
    private readonly GaussianRandomField _field;
    private readonly SquareTransform _cellsToNodes, _nodesToCells;
    private readonly DarcyFiniteDifferenceSolver _solver;
    private readonly double[] _grf, _coefficient, _nodeCoefficient, _rhs, _nodeSolution, _solution, _scratch;

    /// <summary>Prepares work space for <paramref name="parameters"/> (validated).</summary>
    /// <exception cref="ArgumentException">The parameters are out of range.</exception>
    public DarcySampler(DarcyGenerationParameters parameters)
    {
        parameters.Validate();
        _parameters = parameters;
        var s = parameters.Resolution;
        _field = new GaussianRandomField(s, parameters.Alpha, parameters.Tau);
        var cells = Enumerable.Range(0, s).Select(m => (2 * m + 1) / (2.0 * s)).ToArray();
        var nodes = Enumerable.Range(0, s).Select(p => p / (s - 1.0)).ToArray();
        // The node grid reaches 0 and 1, half a cell beyond the outermost centres: the spline extrapolates there.
        _cellsToNodes = new SquareTransform(CubicSpline.InterpolationMatrix(cells[0], 1.0 / s, s, nodes), s);
        _nodesToCells = new SquareTransform(CubicSpline.InterpolationMatrix(0, 1.0 / (s - 1), s, cells), s);
        _solver = new DarcyFiniteDifferenceSolver(s, parameters.Tolerance);
        _grf = new double[s * s];
        _coefficient = new double[s * s];
        _nodeCoefficient = new double[s * s];
        _rhs = new double[s * s];
        Array.Fill(_rhs, 1.0); // the spline of f ≡ 1 is 1, so f needs no interpolation
        _nodeSolution = new double[s * s];
        _solution = new double[s * s];
        _scratch = new double[2 * s * s];
    }

    /// <summary>
    /// How many face conductances of the last sample were negative and set to 0. Deviation from the recipe: the spline
    /// extrapolates a to the boundary nodes (half a cell beyond the outermost centres), and next to a 3/12 interface it
    /// can fall far below 3, even below 0, so a face between a boundary node and its neighbour can have a negative mean;
    /// MATLAB's sparse direct solve accepts that indefinite matrix, CG cannot. Clipping at 0 (a ≥ 0, the PDE's
    /// requirement) is the smallest change; it only touches faces to boundary nodes, where u = 0.
    /// </summary>
    public int LastClippedFaces { get; private set; }

    /// <summary>The CG iterations of the last solve.</summary>
    public int LastIterations { get; private set; }

    /// <summary>The full-resolution (s×s, cell-centred) coefficient of the last sample.</summary>
    public ReadOnlySpan<double> Coefficient => _coefficient;

    /// <summary>The full-resolution (s×s, cell-centred) solution of the last sample.</summary>
    public ReadOnlySpan<double> Solution => _solution;

    /// <summary>The random stream of sample <paramref name="index"/> under <paramref name="seed"/> (SplitMix64 of both).</summary>
    public static Random StreamFor(long seed, int index)
    {
        var z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)index + 0x632BE59BD9B4E019UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return new Random(unchecked((int)z) & int.MaxValue);
    }

    /// <summary>Generates sample <paramref name="index"/> and writes its strided coefficient and solution (g×g each).</summary>
    /// <param name="index">The sample number (selects the random stream).</param>
    /// <param name="coefficient">Receives a on the stored grid.</param>
    /// <param name="solution">Receives u on the stored grid.</param>
    /// <exception cref="ArithmeticException">The solve failed.</exception>
    public void Generate(int index, Span<float> coefficient, Span<float> solution)
    {
        var s = _parameters.Resolution;
        _field.Sample(StreamFor(_parameters.Seed, index), _grf, _scratch);
        for (var k = 0; k < _grf.Length; k++) _coefficient[k] = _grf[k] >= 0 ? _parameters.High : _parameters.Low;
        _cellsToNodes.Apply(_coefficient, _nodeCoefficient, _scratch);
        LastIterations = _solver.Solve(_nodeCoefficient, _rhs, _nodeSolution, clipNegativeFaces: true);
        LastClippedFaces = _solver.ClippedFaces;
        _nodesToCells.Apply(_nodeSolution, _solution, _scratch);
        Stride(_coefficient, s, _parameters.Subsample, coefficient);
        Stride(_solution, s, _parameters.Subsample, solution);
    }

    /// <summary>Nodes 0, r, 2r, … of an s×s field in both directions ((s−1)/r + 1 per side; r divides s−1).</summary>
    public static void Stride(ReadOnlySpan<double> field, int s, int r, Span<float> strided)
    {
        var g = (s - 1) / r + 1;
        for (var i = 0; i < g; i++)
            for (var j = 0; j < g; j++) strided[i * g + j] = (float)field[i * r * s + j * r];
    }
}

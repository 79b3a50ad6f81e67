using MechNN.Experiments.F16;
using Spectre.Console;

namespace MechNN.Cli.Commands;

/// <summary>The F-16 metrics table, one row per model (mean ± std over seeds); shared by training and --load runs.</summary>
internal static class F16Table
{
    public static Table Build(string title, IReadOnlyList<VibrationResult> results, int iterations)
    {
        var table = new Table().Title(Markup.Escape(title))
            .AddColumns("model", "train MSE", "test running RMSE (window 300)", "iterations to SONODE's final train loss", "seconds");
        foreach (var group in results.GroupBy(r => r.Model))
        {
            string Stat(Func<VibrationResult, double> f, string format)
            {
                var v = group.Select(f).ToArray();
                double mean = v.Average(), sd = Math.Sqrt(v.Select(x => (x - mean) * (x - mean)).Sum() / Math.Max(1, v.Length - 1));
                return $"{mean.ToString(format)} ± {sd.ToString(format)}";
            }
            bool timed = results.Any(r => r.Model.StartsWith("SONODE"));
            string reach = iterations == 0 ? "– (loaded)" : !timed ? "– (no SONODE in this run)"
                : group.Key.StartsWith("SONODE") ? $"{iterations} (by definition)"
                : string.Join(", ", group.Select(r => r.IterationsToReach < 0 ? "not reached" : r.IterationsToReach.ToString()));
            table.AddRow(Markup.Escape(group.Key), Stat(r => r.TrainMse, "E3"), Stat(r => r.TestRunningRmse, "E3"), reach, Stat(r => r.Seconds, "F1"));
        }
        return table;
    }
}

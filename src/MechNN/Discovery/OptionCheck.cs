using System.Globalization;

namespace MechNN.Discovery;

/// <summary>One wording for a setting out of range: "threshold must be ≥ 0 (got -1)", the setting named as a user types it.</summary>
internal static class OptionCheck
{
    // No parameter name: ArgumentException would append "(Parameter '…')", which names code, not the option.
    public static ArgumentException Invalid(string setting, string rule, double got) =>
        new($"{setting} must be {rule} (got {Show(got)})");

    private static string Show(double v) =>
        double.IsNaN(v) ? "NaN" : double.IsPositiveInfinity(v) ? "∞" : double.IsNegativeInfinity(v) ? "-∞" : v.ToString(CultureInfo.InvariantCulture);
}

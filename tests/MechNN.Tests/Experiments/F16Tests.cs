using MechNN.Experiments.F16;

namespace MechNN.Tests.Experiments;

public class F16Tests
{
    private static string Record => Path.Combine(AppContext.BaseDirectory, "Fixtures", "f16", "F16Data_FullMSine_Level1.first5000.csv");

    [Fact]
    public void LoaderMeanCentresTheFirstRowsOfTheRealRecord()
    {
        var data = F16Vibrations.Load(Record, count: 2000);
        Assert.Equal(2000, data.Target.Length);
        Assert.Equal(0, data.Forcing.Average(), 12);
        Assert.Equal(0, data.Target.Average(), 12);
        // Row 2 of the file: Acceleration1 = −0.018392, Acceleration2 = −0.049607, before centring.
        var raw = File.ReadLines(Record).Take(2001).Skip(1).Select(l => double.Parse(l.Split(',')[3], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(-0.049607 - raw.Average(), data.Target[0], 12);
    }

    [Fact]
    public void BadPathsAndShortFilesAreNamed()
    {
        Assert.Contains("not found", Assert.Throws<FileNotFoundException>(() => F16Vibrations.Load("/nope.csv")).Message);
        var path = Path.GetTempFileName();
        File.WriteAllText(path, "\"Force\",\"Acceleration1\",\"Acceleration2\"\n1,2,3\n1,x,3\n");
        Assert.Contains("row 3, column 'Acceleration1'", Assert.Throws<FormatException>(() => F16Vibrations.Load(path, 5)).Message);
        File.Delete(path);
    }

    /// <summary>Small instance of §5.3: the MNN fits 300 samples of the real record; its loss falls at least 3× in 60 iterations.</summary>
    [Fact]
    public void MnnFitsTheWingAccelerationOnAShortRecord()
    {
        var data = F16Vibrations.Load(Record, count: 600);
        var result = VibrationTrainer.Train(new MnnVibrationModel(0), data.Forcing, data.Target, 0, VibrationTrainer.Protocol(iterations: 60), trainSteps: 300);
        Assert.True(result.LossHistory[^1] * 3 < result.LossHistory[0], $"loss {result.LossHistory[0]:E3} → {result.LossHistory[^1]:E3}");
        Assert.True(double.IsFinite(result.TestRunningRmse));
    }
}

public class F16FixtureTests
{
    /// <summary>The committed fixture is exactly the head of the public record (its README gives the hash).</summary>
    [Fact]
    public void FixtureIsTheRecordsFirstRows()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "f16", "F16Data_FullMSine_Level1.first5000.csv");
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path)));
        var readme = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "f16", "README.md"));
        Assert.Contains(hash, readme);
        Assert.Equal(5001, File.ReadLines(path).Count());
    }
}

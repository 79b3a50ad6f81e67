namespace MechNN.Tests.Ode;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class RequiresCompilerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mechnn-path-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void The_compiler_is_found_only_as_an_executable_on_the_search_path()
    {
        var (empty, plain, tools) = (Path.Combine(_dir, "empty"), Path.Combine(_dir, "plain"), Path.Combine(_dir, "tools"));
        foreach (var d in new[] { empty, plain, tools }) Directory.CreateDirectory(d);
        File.WriteAllText(Path.Combine(plain, "g++"), "");                       // not executable
        File.WriteAllText(Path.Combine(tools, "g++"), "#!/bin/sh\n");
        File.SetUnixFileMode(Path.Combine(tools, "g++"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Assert.Null(Compiler.Find(null));
        Assert.Null(Compiler.Find(string.Join(Path.PathSeparator, empty, plain)));
        Assert.Equal(Path.Combine(tools, "g++"), Compiler.Find(string.Join(Path.PathSeparator, empty, plain, tools)));
    }

    [Fact]
    public void Without_the_compiler_the_emulation_tests_are_skipped_with_the_reason_not_failed()
    {
        var theory = new CompilerTheoryAttribute();
        var fact = new CompilerFactAttribute();
        Assert.Equal(Compiler.MissingReason, theory.Skip);
        Assert.Equal(Compiler.MissingReason, fact.Skip);
        // Every emulation test carries one of the two attributes, so none can reach g++ unguarded.
        var tests = typeof(CudaEmulationTests).GetMethods().Where(m => m.GetCustomAttributes(typeof(FactAttribute), true).Length > 0).ToList();
        Assert.Equal(6, tests.Count);
        Assert.All(tests, m => Assert.True(m.GetCustomAttributes(true).Any(a => a is CompilerFactAttribute or CompilerTheoryAttribute), m.Name));
    }
}

using System.Globalization;
using System.Reflection;
using SecretAgent.Core.Posix;
using SecretAgent.Tests.Infrastructure;

namespace SecretAgent.Core.Tests.Posix;

/// <summary>
/// Compares every LinuxAbi value with what a C program compiled for that architecture prints (tests/abi/linux-abi.c;
/// scripts/test.sh builds it with gcc and aarch64-linux-gnu-gcc and runs the arm64 one under qemu-user). The file uses
/// LinuxAbi's member names, so a value added to the tables but not to the program fails too. Outside CI the files may
/// be missing (the test then checks nothing); in CI (CI=true) a missing file fails.
/// </summary>
[Trait("Category", "Unit")]
public sealed class LinuxAbiKernelTests
{
    public static TheoryData<string> Architectures => ["linux-x64", "linux-arm64"];

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Table_MatchesWhatTheCompiledProgramPrints(string rid)
    {
        var expected = Expected(rid);
        if (expected is null)
        {
            return;
        }

        var actual = Ours(rid == "linux-arm64" ? LinuxAbi.Arm64 : LinuxAbi.X64);
        var missing = actual.Keys.Except(expected.Keys).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, $"tests/abi/linux-abi.c does not print {string.Join(", ", missing)}");
        var unknown = expected.Keys.Except(actual.Keys).Order(StringComparer.Ordinal).ToList();
        Assert.True(unknown.Count == 0, $"LinuxAbi has no member {string.Join(", ", unknown)}");
        var wrong = expected.Where(e => actual[e.Key] != e.Value).Select(e => $"{e.Key}: ours {actual[e.Key]}, {rid} {e.Value}").ToList();
        Assert.True(wrong.Count == 0, $"LinuxAbi differs from {rid}: {string.Join("; ", wrong)}");
    }

    /// <summary>The program's "NAME VALUE" lines, or null outside CI when scripts/test.sh has not made them.</summary>
    private static Dictionary<string, long>? Expected(string rid)
    {
        var path = Path.Combine(RepositoryPaths.AbiDirectory, rid + ".txt");
        if (!File.Exists(path))
        {
            Assert.False(
                Environment.GetEnvironmentVariable("CI") == "true",
                $"{path} is missing; scripts/test.sh makes it (abi_values in scripts/lib/arm64.sh)");
            return null;
        }

        return File.ReadAllLines(path)
            .Where(line => line.Length > 0)
            .Select(line => line.Split(' '))
            .ToDictionary(f => f[0], f => long.Parse(f[1], CultureInfo.InvariantCulture), StringComparer.Ordinal);
    }

    /// <summary>Every integer constant of LinuxAbi plus every value of one architecture's table, by member name.</summary>
    private static Dictionary<string, long> Ours(LinuxAbi.Table table)
    {
        var constants = typeof(LinuxAbi).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && (f.FieldType == typeof(int) || f.FieldType == typeof(long)))
            .Select(f => (f.Name, Value: Convert.ToInt64(f.GetRawConstantValue(), CultureInfo.InvariantCulture)));
        var perArchitecture = typeof(LinuxAbi.Table).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.PropertyType == typeof(int))
            .Select(p => (p.Name, Value: (long)(int)p.GetValue(table)!));
        return constants.Concat(perArchitecture).ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);
    }
}

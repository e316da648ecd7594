using System.Diagnostics;

namespace SecretAgent.Tests.Infrastructure;

/// <summary>Signal helpers for black-box tests (kill(1), so the test project needs no native interop).</summary>
internal static class ProcessTestSignals
{
    /// <summary>Linux signal numbers of the signals the tests send.</summary>
    public static readonly IReadOnlyDictionary<string, int> Numbers = new Dictionary<string, int>
    {
        ["HUP"] = 1,
        ["INT"] = 2,
        ["QUIT"] = 3,
        ["USR1"] = 10,
        ["USR2"] = 12,
        ["ALRM"] = 14,
        ["TERM"] = 15,
    };

    public static void Send(int pid, string name)
    {
        using var kill = Process.Start("kill", ["-s", name, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -s {name} {pid} failed with {kill.ExitCode}");
        }
    }

    public static string Describe(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return "gone";
        }
    }

    /// <summary>Whether <paramref name="pid"/> exists and is not a zombie (kill -0 succeeds on zombies).</summary>
    public static bool IsAlive(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return false;
        }

        // "pid (comm) S ..." where comm may contain spaces and parentheses: the state follows the last ')'.
        var state = stat[(stat.LastIndexOf(')') + 2)..][0];
        return state is not ('Z' or 'X');
    }
}

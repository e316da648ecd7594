namespace SecretAgent.Integration.Tests.BlackBox;

/// <summary>Every exit status 0-255 passes through unchanged, as tini checks.</summary>
public sealed class ProcessExitCodeTests
{
    [Theory]
    [InlineData("exec")]
    [InlineData("supervise")]
    public async Task Run_WhenAppExitsWithAnyCode_AgentExitsWithTheSameCode(string mode)
    {
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, 256),
            new ParallelOptions { MaxDegreeOfParallelism = 8 },
            (code, cancellation) =>
            {
                string[] args = mode == "exec"
                    ? ["run", "--", "sh", "-c", $"exit {code}"]
                    : ["run", "--supervise", "--", "sh", "-c", $"exit {code}"];
                var actual = AgentProcess.Run(args, out _, out var stderr);
                if (actual != code)
                {
                    failures.Add($"{code} -> {actual} ({stderr.Trim()})");
                }

                return ValueTask.CompletedTask;
            });

        Assert.Empty(failures);
    }
}

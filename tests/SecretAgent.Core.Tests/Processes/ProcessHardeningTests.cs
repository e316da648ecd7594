using SecretAgent.Core.Posix;
using SecretAgent.Core.Processes;

namespace SecretAgent.Core.Tests.Processes;

[Trait("Category", "Unit")]
public sealed class ProcessHardeningTests
{
    [Fact]
    public void Apply_MakesTheProcessNonDumpable()
    {
        Assert.True(ProcessHardening.IsDumpable);
        try
        {
            ProcessHardening.Apply();

            Assert.False(ProcessHardening.IsDumpable);
        }
        finally
        {
            // Give the test host back its normal state (core dumps, debugger attach).
            _ = ProcessNative.SetDumpable(true);
        }
    }
}

using System.Security.Cryptography;
using System.Text;

namespace SecretAgent.Integration.Tests.Containers;

/// <summary>Assertions on what a container printed or left behind.</summary>
internal static class ContainerOutput
{
    /// <summary>The line the sample app prints for a delivered file: path, size and SHA-256 prefix of the exact bytes.</summary>
    public static string FileLine(string deliveredPath, byte[] content) =>
        $"app: file {deliveredPath} size={content.Length} sha256={Convert.ToHexStringLower(SHA256.HashData(content))[..12]}...";

    /// <summary>Like Assert.Contains, but a failure shows the whole output (the sample app prints no values).</summary>
    public static void AssertContains(string expected, string output) =>
        Assert.True(output.Contains(expected, StringComparison.Ordinal), $"expected '{expected}' in the container's output:\n{output}");

    public static void AssertNoSentinel(string text)
    {
        foreach (var sentinel in SampleConfigs.Sentinels())
        {
            Assert.False(text.Contains(sentinel, StringComparison.Ordinal), $"a secret value from the sample configs appeared in the output:\n{text.Replace(sentinel, "<SENTINEL>", StringComparison.Ordinal)}");
        }
    }

    public static void AssertNoSentinel(byte[] data, string what)
    {
        foreach (var sentinel in SampleConfigs.Sentinels())
        {
            Assert.True(data.AsSpan().IndexOf(Encoding.UTF8.GetBytes(sentinel)) < 0, $"a secret value from the sample configs is in {what}");
        }
    }
}

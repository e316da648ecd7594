using System.Diagnostics;
using System.Text;
using System.Text.Json;
using SecretAgent.Core.Keys;

namespace SecretAgent.Integration.Tests.Interop;

/// <summary>Runs the independent Python S3EC implementation (tests/vectors/s3ec.py) and captures raw stdout bytes.</summary>
internal static class ReferenceClient
{
    public static ReferenceResult Run(params string[] args) => RunScript(RepositoryPaths.Vectors("s3ec.py"), args);

    public static ReferenceResult RunScript(string script, params string[] args)
    {
        var info = new ProcessStartInfo("python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start python3");
        using var stdout = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("s3ec.py did not exit in time");
        }

        copy.Wait();
        return new ReferenceResult(process.ExitCode, stdout.ToArray(), stderr.Result);
    }

    /// <summary>Opens an object with the reference reader; writes it to a temporary JSON file first.</summary>
    public static ReferenceResult Open(byte[] dataKey, IReadOnlyDictionary<string, string> metadata, byte[] body)
    {
        var path = Path.Combine(Path.GetTempPath(), $"sa-s3ec-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllBytes(path, ObjectJson(metadata, body));
            return Run("open", "--data-key", Convert.ToHexString(dataKey), "--object", path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Seals with the reference writer (random IV / message id); returns its metadata and body.</summary>
    public static (Dictionary<string, string> Metadata, byte[] Body) Seal(
        string format, byte[] dataKey, byte[] encryptedKey, EncryptionContext userContext, byte[] plaintext)
    {
        var path = Path.Combine(Path.GetTempPath(), $"sa-s3ec-{Guid.NewGuid():N}.bin");
        try
        {
            File.WriteAllBytes(path, plaintext);
            var result = Run(
                "seal", "--format", format, "--data-key", Convert.ToHexString(dataKey),
                "--encrypted-key-b64", Convert.ToBase64String(encryptedKey), "--context", userContext.ToJson(), "--plaintext-file", path);
            Assert.True(result.ExitCode == 0, result.Stderr);
            using var document = JsonDocument.Parse(result.Stdout);
            var metadata = document.RootElement.GetProperty("metadata").EnumerateObject()
                .ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
            return (metadata, Convert.FromBase64String(document.RootElement.GetProperty("body_b64").GetString()!));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static byte[] ObjectJson(IReadOnlyDictionary<string, string> metadata, byte[] body)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("metadata");
            foreach (var (key, value) in metadata)
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
            writer.WriteString("body_b64", Convert.ToBase64String(body));
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}

internal sealed record ReferenceResult(int ExitCode, byte[] Stdout, string Stderr)
{
    public string StdoutText => Encoding.UTF8.GetString(Stdout);
}

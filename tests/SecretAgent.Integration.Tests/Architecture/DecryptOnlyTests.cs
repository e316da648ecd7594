using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.Json;
using SecretAgent.Integration.Tests.Containers;

namespace SecretAgent.Integration.Tests.Architecture;

/// <summary>
/// Decrypt-only as a compile-time fact: the agent's assembly closure (its deps.json, as built) holds no writing or
/// data-key-generating code, and Core holds no AWS types. The scan is proven able to see such code by running it
/// over the admin tool, which must contain it.
/// </summary>
[Trait("Category", "Unit")]
public sealed class DecryptOnlyTests
{
    // Types whose mere reference means an assembly can write objects or make data keys.
    private static readonly string[] WritingTypes =
    [
        "PutObjectRequest", "DeleteObjectRequest", "CopyObjectRequest", "GenerateDataKeyRequest", "EncryptRequest",
        "IObjectWriter", "IDataKeyGenerator", "EnvelopeWriter",
    ];

    [Fact]
    public void Agent_closure_does_not_contain_the_publishing_project()
    {
        var libraries = Libraries(Output("SecretAgent.Agent", "secret-agent"));

        Assert.Contains(libraries, l => l.StartsWith("SecretAgent.Core/", StringComparison.Ordinal));
        Assert.DoesNotContain(libraries, l => l.StartsWith("SecretAgent.Publishing/", StringComparison.Ordinal));
    }

    [Fact]
    public void Agent_assemblies_reference_no_writing_or_key_generating_type()
    {
        var found = WritingReferences(Output("SecretAgent.Agent", "secret-agent"));

        Assert.Empty(found);
    }

    [Fact]
    public void The_scan_finds_writing_types_in_the_admin_tool()
    {
        var found = WritingReferences(Output("SecretAgent.Admin", "secret-agent-admin"));

        Assert.Contains(found, f => f.EndsWith(":PutObjectRequest", StringComparison.Ordinal));
        Assert.Contains(found, f => f.EndsWith(":GenerateDataKeyRequest", StringComparison.Ordinal));
        Assert.Contains(found, f => f.EndsWith(":EnvelopeWriter", StringComparison.Ordinal));
    }

    [Fact]
    public void Core_references_no_aws_assembly()
    {
        var (directory, _) = Output("SecretAgent.Agent", "secret-agent");
        using var pe = new PEReader(File.OpenRead(Path.Combine(directory, "SecretAgent.Core.dll")));
        var metadata = pe.GetMetadataReader();
        var references = metadata.AssemblyReferences.Select(h => metadata.GetString(metadata.GetAssemblyReference(h).Name)).ToList();

        Assert.Contains("System.Runtime", references);
        Assert.DoesNotContain(references, r => r.StartsWith("AWSSDK", StringComparison.Ordinal) || r.StartsWith("Amazon", StringComparison.Ordinal));
    }

    /// <summary>"assembly:type" for every writing type an assembly of the closure defines or references.</summary>
    private static List<string> WritingReferences((string Directory, string Name) output)
    {
        var found = new List<string>();
        var ours = Libraries(output)
            .Select(l => l[..l.IndexOf('/', StringComparison.Ordinal)])
            .Where(n => n.StartsWith("SecretAgent.", StringComparison.Ordinal) || n == output.Name)
            .ToList();
        Assert.NotEmpty(ours);
        foreach (var assembly in ours)
        {
            using var pe = new PEReader(File.OpenRead(Path.Combine(output.Directory, assembly + ".dll")));
            var metadata = pe.GetMetadataReader();
            var names = metadata.TypeReferences.Select(h => metadata.GetString(metadata.GetTypeReference(h).Name))
                .Concat(metadata.TypeDefinitions.Select(h => metadata.GetString(metadata.GetTypeDefinition(h).Name)));
            found.AddRange(names.Where(WritingTypes.Contains).Distinct().Select(n => $"{assembly}:{n}"));
        }

        return found;
    }

    /// <summary>The library keys ("Name/Version") of the executable's deps.json: its whole assembly closure.</summary>
    private static List<string> Libraries((string Directory, string Name) output)
    {
        using var deps = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(output.Directory, output.Name + ".deps.json")));
        return deps.RootElement.GetProperty("libraries").EnumerateObject().Select(p => p.Name).ToList();
    }

    // The test project builds both executables (ReferenceOutputAssembly="false"), in the same configuration.
    private static (string Directory, string Name) Output(string project, string name)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var directory = Path.Combine(RepositoryPaths.Root, "src", project, "bin", configuration, "net10.0");
        Assert.True(File.Exists(Path.Combine(directory, name + ".deps.json")), $"{project} is not built at {directory}");
        return (directory, name);
    }
}

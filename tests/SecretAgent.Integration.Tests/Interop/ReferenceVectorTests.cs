
namespace SecretAgent.Integration.Tests.Interop;

/// <summary>The committed known-answer vectors (read by the unit KnownAnswerTests) against the Python generator.</summary>
public sealed class ReferenceVectorTests
{
    [Fact]
    public void Vectors_AreReproducedByTheReferenceGenerator()
    {
        // Guards against hand edits: the committed files are exactly what s3ec.py produces from the fixed inputs.
        var result = ReferenceClient.RunScript(RepositoryPaths.Vectors("make_vectors.py"), "--check");

        Assert.True(result.ExitCode == 0, result.Stderr);
    }
}

namespace SecretAgent.Integration.Tests.Containers;

/// <summary>Container tests share one engine check and one image build, and run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class DockerCollectionDefinition : ICollectionFixture<DockerEngine>
{
    public const string Name = "Docker engine";
}

namespace SecretAgent.Integration.Tests.Containers;

/// <summary>Container tests share one engine check, one image build and one moto server, and run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class DockerCollectionDefinition : ICollectionFixture<DockerEngine>, ICollectionFixture<Moto.MotoServer>
{
    public const string Name = "Docker engine";
}

namespace SecretAgent.Core.Tests.Status;

/// <summary>A clock the test moves by hand, for staleness.</summary>
internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}

/// <summary>Keeps what the status observer wrote, or fails like a full tmpfs.</summary>
internal sealed class RecordingSink(bool fail = false) : Core.Status.IStatusSink
{
    public List<byte[]> Writes { get; } = [];

    public void WriteStatus(ReadOnlySpan<byte> json)
    {
        if (fail)
        {
            throw new Errors.SecretAgentException(Errors.ErrorKind.Target, "target /run/secrets: cannot write ..status.json: ENOSPC");
        }

        Writes.Add(json.ToArray());
    }
}

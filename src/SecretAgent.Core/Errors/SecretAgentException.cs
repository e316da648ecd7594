namespace SecretAgent.Core.Errors;

/// <summary>
/// The one error type user-facing code throws. The message is a single line that names the config (when there is
/// one) and the cause, and never holds a secret value or ciphertext bytes. Control and format characters in it
/// (from an echoed path, source or name) are escaped, so it stays one honest line.
/// </summary>
public sealed class SecretAgentException : Exception
{
    public SecretAgentException(ErrorKind kind, string message, string? config = null, Exception? inner = null)
        : base(Compose(config, message), inner)
    {
        Kind = kind;
        Config = config;
    }

    public SecretAgentException()
        : this(ErrorKind.Internal, "unknown error")
    {
    }

    public SecretAgentException(string message)
        : this(ErrorKind.Internal, message)
    {
    }

    public SecretAgentException(string message, Exception inner)
        : this(ErrorKind.Internal, message, null, inner)
    {
    }

    public ErrorKind Kind { get; }

    /// <summary>The config name the error concerns, if any.</summary>
    public string? Config { get; }

    /// <summary>
    /// An Unavailable failure that no retry within a deadline fixes (an untrusted certificate, a proxy's refusal, a
    /// malformed response): the start fails at once instead of retrying it until <c>--timeout</c>.
    /// </summary>
    public bool Lasting { get; init; }

    /// <summary>Whether the start retries it: an Unavailable failure that is not <see cref="Lasting"/>.</summary>
    public bool Transient => Kind == ErrorKind.Unavailable && !Lasting;

    public int ExitCode => Kind.ExitCode();

    /// <summary>Returns a copy that names <paramref name="config"/>, for errors raised below the per-config loop.</summary>
    public SecretAgentException ForConfig(string config) =>
        Config is null ? new SecretAgentException(Kind, Message, config, InnerException) { Lasting = Lasting } : this;

    private static string Compose(string? config, string message) =>
        Printable.Escape(config is null ? message : $"config '{config}': {message}");
}

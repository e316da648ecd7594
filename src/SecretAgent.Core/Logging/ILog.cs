namespace SecretAgent.Core.Logging;

/// <summary>
/// The agent's log: one line per event on stderr. Fields carry names, keys, versions and timings — never a value.
/// </summary>
public interface ILog
{
    void Info(string message, params (string Key, object? Value)[] fields);

    void Warn(string message, params (string Key, object? Value)[] fields);

    void Fail(string message, params (string Key, object? Value)[] fields);
}

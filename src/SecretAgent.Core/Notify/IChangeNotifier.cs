namespace SecretAgent.Core.Notify;

/// <summary>
/// Tells the app that a swap made a new set live (a signal, a command, an HTTP POST, as the deployment chooses).
/// Called once per swap by the watcher; debouncing and splay are the notifier's business. Failures are logged by the
/// notifier and never stop the watcher.
/// </summary>
public interface IChangeNotifier
{
    Task NotifyAsync(CancellationToken cancellationToken);
}

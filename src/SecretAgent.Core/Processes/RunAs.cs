using System.Globalization;
using System.Runtime.InteropServices;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Posix;
using SecretAgent.Core.Target;

namespace SecretAgent.Core.Processes;

/// <summary>
/// The user the app runs as (run --user UID:GID --groups G1,G2): a root agent prepares the tmpfs, then drops to
/// this user just before execve (exec mode) or in the re-entered agent that execs the supervised child. Numeric ids
/// only: the image may have no /etc/passwd, and the agent must not read the app's user database with its own libc.
/// Without --groups the app has no supplementary groups (root's are never inherited).
/// </summary>
public sealed record RunAs(int Uid, int Gid, IReadOnlyList<int> Groups)
{
    /// <summary>Parses --user "uid:gid" and --groups "g1,g2" (empty or null: none); a bad value is a usage error.</summary>
    public static RunAs Parse(string user, string? groups)
    {
        var owner = FileOwner.Parse(user, "--user");
        return new RunAs(owner.Uid, owner.Gid, ParseGroups(groups));
    }

    /// <summary>The files' owner --user implies when --owner is not given: the app can read what it is given.</summary>
    public FileOwner Owner => new(Uid, Gid);

    public override string ToString() => Groups.Count == 0
        ? $"{Uid}:{Gid}"
        : $"{Uid}:{Gid} (groups {string.Join(',', Groups)})";

    /// <summary>
    /// Refuses, before anything is fetched, a switch this agent cannot make: only root can change user; a non-root
    /// agent may name itself (then nothing changes) but not another user or extra groups.
    /// </summary>
    public void CheckCanSwitch()
    {
        var euid = CredentialsNative.GetEuid();
        if (euid == 0 || IsCurrent())
        {
            return;
        }

        throw new SecretAgentException(
            ErrorKind.AccessDenied,
            $"--user {this}: the agent runs as uid {euid}, not root, and cannot switch users; start it as root (the app still runs as {Uid}:{Gid})");
    }

    /// <summary>
    /// setgroups, setgid, setuid, in that order (each needs the privilege the next gives up), each checked, then
    /// proof that root cannot be regained. Throws AccessDenied naming the failed step; the app is then not started.
    /// </summary>
    public unsafe void Drop()
    {
        if (CredentialsNative.GetEuid() != 0 && IsCurrent())
        {
            return;
        }

        var groups = Groups.Select(g => (uint)g).ToArray();
        fixed (uint* list = groups)
        {
            Check(CredentialsNative.SetGroups((nuint)groups.Length, list), "setgroups");
        }

        Check(CredentialsNative.SetGid((uint)Gid), "setgid");
        Check(CredentialsNative.SetUid((uint)Uid), "setuid");
        if (CredentialsNative.GetUid() != Uid || CredentialsNative.GetEuid() != Uid
            || CredentialsNative.GetGid() != Gid || CredentialsNative.GetEgid() != Gid)
        {
            throw Failure("the ids did not change");
        }

        if (Uid != 0 && CredentialsNative.SetUid(0) == 0)
        {
            throw Failure("root could be regained after setuid");
        }
    }

    /// <summary>The form the supervisor hands the re-entered agent: "uid:gid:g1,g2".</summary>
    internal string ToArgument() => $"{Uid}:{Gid}:{string.Join(',', Groups)}";

    internal static RunAs FromArgument(string text)
    {
        var parts = text.Split(':', 3);
        return parts.Length == 3
            ? Parse($"{parts[0]}:{parts[1]}", parts[2])
            : throw new SecretAgentException(ErrorKind.Internal, "malformed user for the re-entered agent");
    }

    private bool IsCurrent() =>
        CredentialsNative.GetUid() == Uid && CredentialsNative.GetEuid() == Uid
        && CredentialsNative.GetGid() == Gid && CredentialsNative.GetEgid() == Gid
        && Groups.Count == 0;

    private static List<int> ParseGroups(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        var groups = new List<int>();
        foreach (var part in text.Split(','))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var gid))
            {
                throw new SecretAgentException(ErrorKind.Usage, $"--groups '{text}' is not a comma-separated list of numeric gids (e.g. 1000,2000)");
            }

            groups.Add(gid);
        }

        return groups;
    }

    private void Check(int result, string call)
    {
        if (result != 0)
        {
            throw Failure($"{call} failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }
    }

    private SecretAgentException Failure(string cause) =>
        new(ErrorKind.AccessDenied, $"cannot run the app as {this}: {cause}; the app was not started");
}

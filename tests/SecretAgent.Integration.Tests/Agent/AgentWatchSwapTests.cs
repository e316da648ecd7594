using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using SecretAgent.Integration.Tests.Admin;
using SecretAgent.Integration.Tests.Moto;

namespace SecretAgent.Integration.Tests.Agent;

/// <summary>
/// What a swap promises, through the real binary against moto: a reader looping during many swaps reads whole files
/// and, resolving <c>..data</c> once, one set (two files published together match, and match the receipt); a full
/// tmpfs keeps the old set, leaves no partial directory and recovers; a rotation (same plaintext) makes no swap and
/// no notification but moves the status; with --splay the app is told within the window after the swap.
/// </summary>
[Collection(UsesMoto.Name)]
public sealed partial class AgentWatchSwapTests
{
    private const int Padding = 8000;
    private readonly MotoServer moto;

    public AgentWatchSwapTests(MotoServer moto)
    {
        this.moto = moto;
    }

    [TmpfsFact]
    public async Task Watch_AReaderLoopingDuringManySwaps_ReadsWholeFiles_AndOneSetThroughTheDataLink()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        using var run = new WatchRun(world, ["tls.crt", "tls.key"]);
        await PublishPairAsync(run, 1);
        var agent = run.Start("--interval", "1h");
        await run.WaitUntilAsync(agent, () => run.Holds("tls.key", Pair("key", 1)), "the first pair");

        using var stop = new CancellationTokenSource();
        var reader = new LoopingReader(run.Target);
        var reading = Task.Run(() => reader.Loop(stop.Token));
        const int Last = 13;
        for (var pair = 2; pair <= Last; pair++)
        {
            await PublishPairAsync(run, pair);
            ProcessTestSignals.Send(agent.Id, "USR1");
            await run.WaitUntilAsync(agent, () => run.Holds("tls.crt", Pair("crt", pair)) && run.Holds("tls.key", Pair("key", pair)), $"pair {pair}");

            // Two full reads after the swap: the reader has moved to this set before the next swap removes the one
            // before it (the previous set is kept until the next swap, not forever).
            var reads = reader.Reads;
            await run.WaitUntilAsync(agent, () => reader.Reads >= reads + 2 || reading.IsCompleted, "the reader to catch up");
        }

        await stop.CancelAsync();
        await reading;
        Assert.Empty(reader.Problems);
        Assert.True(reader.SetsSeen.Count >= Last / 2, $"the reader saw only {reader.SetsSeen.Count} sets of {Last}");
        await run.StopAsync(agent);
    }

    [RootFact]
    public async Task Watch_FullTmpfsDuringASwap_KeepsTheOldSet_LeavesNoPartialDirectory_AndRecoversWhenSpaceReturns()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        using var directory = TargetDirectory.MountedTmpfs("size=512k,mode=0755");
        using var run = new WatchRun(world, ["big.txt"], directory.Path);
        await run.PublishAsync("big.txt", "CANARY-full-v1");
        var agent = run.Start("--interval", "1s");
        await run.WaitUntilAsync(agent, () => run.Holds("big.txt", "CANARY-full-v1") && run.Rounds() >= 1, "v1 and a round");
        var before = Entries(run);

        var big = "CANARY-full-v2" + new string('x', 800 * 1024);
        await run.PublishAsync("big.txt", big);
        await run.WaitUntilAsync(agent, () => run.Status("big.txt")?.GetProperty("errors").TryGetProperty("target", out _) == true, "a swap failing on the full tmpfs");
        Assert.Equal("CANARY-full-v1", run.Read("big.txt"));
        Assert.Equal(before, Entries(run));

        var remount = CommandRunner.Run("mount", ["-o", "remount,size=4m", directory.Path], new Dictionary<string, string?>());
        Assert.True(remount.ExitCode == 0, remount.ToString());
        await run.WaitUntilAsync(agent, () => run.Holds("big.txt", big), "v2 once there is space");

        var stderr = await run.StopAsync(agent);
        Assert.Contains("swap failed; the last good set stays", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("CANARY", stderr, StringComparison.Ordinal);
    }

    [TmpfsFact]
    public async Task Watch_AfterARotation_MakesNoSwapAndNoNotification_ButTheStatusAndReceiptMoveToTheNewVersion()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        using var run = new WatchRun(world, ["db.json"]);
        var first = await run.PublishAsync("db.json", "CANARY-rotate");
        var notified = Path.Combine(Path.GetTempPath(), $"sa-watcht8-notified-{Guid.NewGuid():N}");
        var agent = run.Start("--interval", "1s", "--notify-command", $"touch {notified}");
        await run.WaitUntilAsync(agent, () => run.Holds("db.json", "CANARY-rotate") && run.Rounds() >= 1, "the first set and a round");
        var link = run.DataLink();
        var decrypts = run.Proxy.Count(Requests.Kms("Decrypt"));

        var rotate = world.Admin("rotate", "db.json");
        Assert.True(rotate.ExitCode == 0, rotate.ToString());
        var newest = (await world.Moto.S3.GetObjectMetadataAsync(world.Bucket, world.Source.ObjectKey("db.json"))).VersionId;
        Assert.NotEqual(first.VersionId, newest);
        await run.WaitUntilAsync(agent, () => run.Status("db.json")?.GetProperty("versionId").GetString() == newest, "the status on the rotated version");
        var rounds = run.Rounds();
        await run.WaitUntilAsync(agent, () => run.Rounds() >= rounds + 2, "two more rounds");

        Assert.Equal(link, run.DataLink());
        Assert.Equal("CANARY-rotate", run.Read("db.json"));
        Assert.False(File.Exists(notified), "a rotation is no change to tell the app about");
        Assert.Equal(2, run.Status("db.json")!.Value.GetProperty("generation").GetInt64());
        Assert.Equal("same_content", run.Status("db.json")!.Value.GetProperty("polls").EnumerateObject().Single(p => p.Value.GetInt64() > 0 && p.Name != "unchanged").Name);
        Assert.Equal(decrypts + 1, run.Proxy.Count(Requests.Kms("Decrypt")));
        var entry = ReceiptEntry(run.Target, "db.json");
        Assert.Equal(newest, entry.GetProperty("versionId").GetString());
        Assert.Equal(2, entry.GetProperty("generation").GetInt64());
        await run.StopAsync(agent);
    }

    [TmpfsFact]
    public async Task Watch_WithSplay_TellsTheAppWithinTheDebounceAndSplayWindowAfterTheSwap()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        using var run = new WatchRun(world, ["db.json"]);
        await run.PublishAsync("db.json", "CANARY-splay-v1");
        var stamp = Path.Combine(Path.GetTempPath(), $"sa-watcht8-stamp-{Guid.NewGuid():N}");
        var script = stamp + ".sh";
        await File.WriteAllTextAsync(script, $"#!/bin/sh\ndate +%s%N > {stamp}.tmp && mv {stamp}.tmp {stamp}\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            var agent = run.Start("--interval", "1h", "--splay", "3s", "--notify-command", script);
            await run.WaitUntilAsync(agent, () => run.Holds("db.json", "CANARY-splay-v1"), "v1");
            await run.PublishAsync("db.json", "CANARY-splay-v2");
            ProcessTestSignals.Send(agent.Id, "USR1");
            await run.WaitUntilAsync(agent, () => run.Holds("db.json", "CANARY-splay-v2") && File.Exists(stamp), "v2 and the notification");

            // Both times come from this machine's clock: the receipt's writtenAt (taken just before the swap) and the
            // command's date. Debounce 1 s plus up to 3 s of splay; 5 s of margin for a loaded machine.
            var swapped = DateTimeOffset.Parse(Receipt(run.Target).GetProperty("writtenAt").GetString()!, CultureInfo.InvariantCulture);
            var told = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse((await File.ReadAllTextAsync(stamp)).Trim(), CultureInfo.InvariantCulture) / 1_000_000);
            var delay = told - swapped;
            Assert.True(delay >= TimeSpan.FromSeconds(1), $"told {delay.TotalMilliseconds} ms after the swap, before the 1 s debounce");
            Assert.True(delay < TimeSpan.FromSeconds(1 + 3 + 5), $"told {delay.TotalMilliseconds} ms after the swap");
            await run.StopAsync(agent);
        }
        finally
        {
            File.Delete(script);
            File.Delete(stamp);
        }
    }

    private static string Pair(string kind, int pair) => $"{kind}-{pair:D3}|{new string('x', Padding)}|end";

    private static async Task PublishPairAsync(WatchRun run, int pair)
    {
        await run.PublishAsync("tls.crt", Pair("crt", pair));
        await run.PublishAsync("tls.key", Pair("key", pair));
    }

    private static List<string> Entries(WatchRun run) =>
        [.. Directory.EnumerateFileSystemEntries(run.Target).Select(p => Path.GetFileName(p)).Where(n => !n.StartsWith("..status", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    private static JsonElement Receipt(string target)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(target, "..data", ".secret-agent", "receipt.json")));
        return document.RootElement.Clone();
    }

    private static JsonElement ReceiptEntry(string target, string name) =>
        Receipt(target).GetProperty("files").EnumerateArray().Single(f => f.GetProperty("name").GetString() == name);

    [GeneratedRegex(@"^(crt|key)-(\d{3})\|x{8000}\|end$")]
    private static partial Regex WholeFile();

    /// <summary>Reads the set over and over: resolve <c>..data</c> once, read both files and the receipt through it.</summary>
    private sealed class LoopingReader(string target)
    {
        private int reads;

        public int Reads => Volatile.Read(ref reads);

        public List<string> Problems { get; } = [];

        public HashSet<int> SetsSeen { get; } = [];

        public void Loop(CancellationToken stop)
        {
            while (!stop.IsCancellationRequested && Problems.Count < 10)
            {
                try
                {
                    ReadOnce();
                }
                catch (IOException ex)
                {
                    Problems.Add($"{ex.GetType().Name}: {ex.Message}");
                }

                Interlocked.Increment(ref reads);
            }
        }

        private void ReadOnce()
        {
            var set = Path.Combine(target, new FileInfo(Path.Combine(target, "..data")).LinkTarget!);
            var crt = Parse(File.ReadAllText(Path.Combine(set, "tls.crt")), "crt");
            var key = Parse(File.ReadAllText(Path.Combine(set, "tls.key")), "key");
            using var receipt = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(set, ".secret-agent", "receipt.json")));
            var generations = receipt.RootElement.GetProperty("files").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("generation").GetInt64(), StringComparer.Ordinal);
            Parse(File.ReadAllText(Path.Combine(target, "tls.key")), "key");
            if (crt != key || generations["tls.crt"] != crt || generations["tls.key"] != key)
            {
                Problems.Add($"mixed set: crt {crt}, key {key}, receipt {generations["tls.crt"]}/{generations["tls.key"]}");
            }

            SetsSeen.Add(crt);
        }

        private int Parse(string text, string kind)
        {
            var match = WholeFile().Match(text);
            if (!match.Success || match.Groups[1].Value != kind)
            {
                Problems.Add($"not a whole {kind} file: {text.Length} chars");
                return -1;
            }

            return int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        }
    }
}

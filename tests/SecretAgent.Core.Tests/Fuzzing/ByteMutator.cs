using System.Text;

namespace SecretAgent.Core.Tests.Fuzzing;

/// <summary>
/// Turns a valid seed into a hostile near-miss: bit flips, truncation, splices with other seeds, inserted tokens that
/// parsers treat specially (quotes, brackets, NUL, bidi and BOM characters, invalid UTF-8, huge numbers), repeated
/// chunks (deep nesting, long lines). Driven by one System.Random so a case is reproduced by its seed number alone.
/// </summary>
internal static class ByteMutator
{
    private static readonly byte[][] Tokens =
    [
        [0], [0xFF], [0xFE], "\n"u8.ToArray(), "\r"u8.ToArray(), ":"u8.ToArray(), "\""u8.ToArray(), "'"u8.ToArray(),
        "{"u8.ToArray(), "}"u8.ToArray(), "["u8.ToArray(), "]"u8.ToArray(), "\\"u8.ToArray(), ","u8.ToArray(),
        "="u8.ToArray(), "#"u8.ToArray(), "- "u8.ToArray(), "&a "u8.ToArray(), "*a"u8.ToArray(), "!!binary "u8.ToArray(),
        "<<: "u8.ToArray(), "---\n"u8.ToArray(), "..."u8.ToArray(), "\t"u8.ToArray(), "%YAML 1.1\n"u8.ToArray(),
        "99999999999999999999999999"u8.ToArray(), "-9223372036854775809"u8.ToArray(), "1e309"u8.ToArray(), "0x7fffffff"u8.ToArray(),
        "null"u8.ToArray(), "true"u8.ToArray(), "~"u8.ToArray(), "\\u0000"u8.ToArray(), "\\ud800"u8.ToArray(),
        Encoding.UTF8.GetBytes("\u202E"), Encoding.UTF8.GetBytes("\uFEFF"), Encoding.UTF8.GetBytes("\u00E9"),
        Encoding.UTF8.GetBytes("e\u0301"), Encoding.UTF8.GetBytes("\U0001F600"), [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF4, 0x90, 0x80, 0x80],
        "9999-12-31T23:59:59-14:00"u8.ToArray(), "0001-01-01T00:00:00+14:00"u8.ToArray(),
    ];

    /// <summary>One to four mutations of one of <paramref name="seeds"/>, chosen by <paramref name="caseSeed"/>.</summary>
    public static byte[] Mutate(IReadOnlyList<byte[]> seeds, int caseSeed)
    {
        var random = new Random(caseSeed);
        var data = new List<byte>(seeds[random.Next(seeds.Count)]);
        var count = random.Next(1, 5);
        for (var i = 0; i < count; i++)
        {
            Apply(data, seeds, random);
        }

        return [.. data];
    }

    private static void Apply(List<byte> data, IReadOnlyList<byte[]> seeds, Random random)
    {
        var at = random.Next(data.Count + 1);
        switch (random.Next(9))
        {
            case 0 when data.Count > 0:
                var bit = random.Next(data.Count * 8);
                data[bit / 8] ^= (byte)(1 << (bit % 8));
                break;
            case 1:
                data.RemoveRange(at, data.Count - at);
                break;
            case 2:
                data.InsertRange(at, Tokens[random.Next(Tokens.Length)]);
                break;
            case 3 when data.Count > 0:
                data.RemoveRange(at == data.Count ? at - 1 : at, 1);
                break;
            case 4:
                Splice(data, seeds[random.Next(seeds.Count)], at, random);
                break;
            case 5:
                // Deep nesting or a very long line: one token many times.
                var token = Tokens[random.Next(Tokens.Length)];
                var times = random.Next(2) == 0 ? random.Next(2, 64) : random.Next(1000, 20000);
                data.InsertRange(at, Enumerable.Repeat(token, times).SelectMany(t => t));
                break;
            case 6 when data.Count > 0:
                var start = random.Next(data.Count);
                var length = random.Next(1, Math.Min(64, data.Count - start) + 1);
                var chunk = data.GetRange(start, length);
                data.InsertRange(at, Enumerable.Repeat(chunk, random.Next(1, 200)).SelectMany(c => c));
                break;
            case 7:
                var noise = new byte[random.Next(1, 16)];
                random.NextBytes(noise);
                data.InsertRange(at, noise);
                break;
            default:
                if (data.Count > 0)
                {
                    data[random.Next(data.Count)] = Tokens[random.Next(Tokens.Length)][0];
                }

                break;
        }
    }

    private static void Splice(List<byte> data, byte[] other, int at, Random random)
    {
        if (other.Length == 0)
        {
            return;
        }

        var from = random.Next(other.Length);
        data.InsertRange(at, other.Skip(from).Take(random.Next(1, other.Length - from + 1)));
    }
}

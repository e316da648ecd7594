namespace SecretAgent.Tests.Infrastructure;

/// <summary>The small tampering moves shared by the unit sweep and the black-box tamper tests.</summary>
internal static class Mutations
{
    /// <summary>Replaces the middle character with another one ('A', or 'B' if it was 'A').</summary>
    public static string Flip(string value)
    {
        var chars = value.ToCharArray();
        var i = chars.Length / 2;
        chars[i] = chars[i] == 'A' ? 'B' : 'A';
        return new string(chars);
    }

    /// <summary>A copy of <paramref name="body"/> with the lowest bit of one byte flipped.</summary>
    public static byte[] FlipBit(byte[] body, int index)
    {
        var copy = (byte[])body.Clone();
        copy[index] ^= 0x01;
        return copy;
    }
}

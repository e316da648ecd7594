using System.Runtime.InteropServices;
using System.Text;
using SecretAgent.Core.Errors;

namespace SecretAgent.Core.Processes;

/// <summary>
/// NUL-terminated UTF-8 strings and NULL-terminated arrays of them in unmanaged memory, as execve(2) wants them.
/// Freed on dispose (only reached when execve failed).
/// </summary>
internal sealed unsafe class NativeStrings : IDisposable
{
    private readonly List<nint> allocations = [];

    public byte* String(string value)
    {
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new SecretAgentException(ErrorKind.Usage, "command line or environment contains a NUL character");
        }

        var length = Encoding.UTF8.GetByteCount(value);
        var buffer = (byte*)NativeMemory.Alloc((nuint)length + 1);
        allocations.Add((nint)buffer);
        var written = Encoding.UTF8.GetBytes(value, new Span<byte>(buffer, length));
        buffer[written] = 0;
        return buffer;
    }

    public byte** Array(IReadOnlyList<string> values)
    {
        var array = (byte**)NativeMemory.Alloc((nuint)(values.Count + 1), (nuint)sizeof(byte*));
        allocations.Add((nint)array);
        for (var i = 0; i < values.Count; i++)
        {
            array[i] = String(values[i]);
        }

        array[values.Count] = null;
        return array;
    }

    public void Dispose()
    {
        foreach (var allocation in allocations)
        {
            NativeMemory.Free((void*)allocation);
        }

        allocations.Clear();
    }
}

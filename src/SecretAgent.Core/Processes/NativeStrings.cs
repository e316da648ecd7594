using System.Runtime.InteropServices;
using System.Text;
using SecretAgent.Core.Errors;

namespace SecretAgent.Core.Processes;

/// <summary>
/// NUL-terminated UTF-8 strings and NULL-terminated arrays of them in unmanaged memory, as execve(2) wants them.
/// Zeroed and freed on dispose (only reached when execve failed): the environment strings hold the app's env-file
/// values.
/// </summary>
internal sealed unsafe class NativeStrings : IDisposable
{
    private readonly List<(nint Address, nuint Bytes)> allocations = [];

    public byte* String(string value)
    {
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new SecretAgentException(ErrorKind.Usage, "command line or environment contains a NUL character");
        }

        var length = Encoding.UTF8.GetByteCount(value);
        var buffer = (byte*)NativeMemory.Alloc((nuint)length + 1);
        allocations.Add(((nint)buffer, (nuint)length + 1));
        var written = Encoding.UTF8.GetBytes(value, new Span<byte>(buffer, length));
        buffer[written] = 0;
        return buffer;
    }

    public byte** Array(IReadOnlyList<string> values)
    {
        var array = (byte**)NativeMemory.Alloc((nuint)(values.Count + 1), (nuint)sizeof(byte*));
        allocations.Add(((nint)array, (nuint)(values.Count + 1) * (nuint)sizeof(byte*)));
        for (var i = 0; i < values.Count; i++)
        {
            array[i] = String(values[i]);
        }

        array[values.Count] = null;
        return array;
    }

    public void Dispose()
    {
        foreach (var (address, bytes) in allocations)
        {
            NativeMemory.Clear((void*)address, bytes);
            NativeMemory.Free((void*)address);
        }

        allocations.Clear();
    }
}

using System.Text;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Posix;
using SecretAgent.Core.Target;

namespace SecretAgent.Core.Tests.Target;

/// <summary>Builders and probes shared by the target tests.</summary>
internal static class TargetFiles
{
    public static int Octal(string digits) => Convert.ToInt32(digits, 8);

    public static FilePermissions Mode(string digits) => FilePermissions.FromBits(Octal(digits));

    public static MaterializedFile File(string path, string content, string mode = "400") =>
        new(RelativePath.Parse(path, "test path"), Encoding.UTF8.GetBytes(content), Mode(mode));

    public static string Read(string path) => Encoding.UTF8.GetString(System.IO.File.ReadAllBytes(path));

    /// <summary>lstat of a path: the last component is not followed.</summary>
    public static FileStatus Stat(string path) =>
        FileSystemDirectory.PathStatus(path) ?? throw new FileNotFoundException("missing", path);

    public static SecretAgentException TargetError(Action action)
    {
        var error = Assert.Throws<SecretAgentException>(action);
        Assert.Equal(ErrorKind.Target, error.Kind);
        return error;
    }
}

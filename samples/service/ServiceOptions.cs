using System.Globalization;

namespace SampleService;

/// <summary>The command line. The config path is a flag, not SECRET_AGENT_DIR: the agent removes its own variables from the app's environment.</summary>
internal sealed record ServiceOptions(string ConfigPath, int Port)
{
    public static ServiceOptions? Parse(string[] args)
    {
        var path = "/run/secrets/database.json";
        var port = 8080;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--config" when value is not null:
                    path = value;
                    break;
                case "--listen" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is > 0 and < 65536:
                    port = p;
                    break;
                default:
                    return null;
            }

            i++;
        }

        return new ServiceOptions(path, port);
    }
}

using AuthActionApi.Authentication;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Memory;

namespace AuthActionApi.Settings;

/// <summary>
/// Reads the NestJS example's <c>AUTHACTION_DOMAIN</c> and <c>AUTHACTION_AUDIENCE</c> as
/// <c>AuthAction:Domain</c> and <c>AuthAction:Audience</c>, so a team can reuse its <c>.env</c> values.
/// They rank above the appsettings files and below the .NET spelling (<c>AuthAction__Domain</c>)
/// and the command line.
/// </summary>
internal static class NestJsEnvironmentVariables
{
    private static readonly Dictionary<string, string> s_keys = new(StringComparer.Ordinal)
    {
        ["AUTHACTION_DOMAIN"] = $"{AuthActionOptions.SectionName}:{nameof(AuthActionOptions.Domain)}",
        ["AUTHACTION_AUDIENCE"] = $"{AuthActionOptions.SectionName}:{nameof(AuthActionOptions.Audience)}",
    };

    public static IConfigurationBuilder AddNestJsAuthActionVariables(this IConfigurationBuilder configuration)
    {
        var values = s_keys
            .Select(pair => (Key: pair.Value, Value: Environment.GetEnvironmentVariable(pair.Key)))
            .Where(pair => !string.IsNullOrWhiteSpace(pair.Value))
            .ToDictionary(pair => pair.Key, pair => pair.Value);

        var source = new MemoryConfigurationSource { InitialData = values };
        var unprefixed = configuration.Sources
            .Select((s, index) => (s, index))
            .LastOrDefault(x => x.s is EnvironmentVariablesConfigurationSource { Prefix: null or "" });

        if (unprefixed.s is null)
        {
            configuration.Add(source);
        }
        else
        {
            configuration.Sources.Insert(unprefixed.index, source);
        }

        return configuration;
    }
}

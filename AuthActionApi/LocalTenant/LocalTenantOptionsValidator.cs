using AuthActionApi.Authentication;
using AuthActionApi.Settings;
using Microsoft.Extensions.Options;

namespace AuthActionApi.LocalTenant;

/// <summary>
/// Stops start-up on a local tenant setting it could not run with, one line per problem. Only while the local tenant
/// runs (<see cref="LocalTenantMode.IsActive"/>): elsewhere its settings have no effect, and a Production app, or one
/// pointed at a real tenant, must never refuse to start over them.
/// </summary>
internal sealed class LocalTenantOptionsValidator(LocalTenantMode mode, IConfiguration configuration)
    : IValidateOptions<LocalTenantOptions>
{
    public ValidateOptionsResult Validate(string? name, LocalTenantOptions options)
    {
        if (!mode.IsActive)
        {
            return ValidateOptionsResult.Skip;
        }

        var failures = new List<string>();
        if (LocalTenantListenAddresses.FirstBeyondLoopback(configuration) is { } exposed)
        {
            failures.Add($"the local tenant (Development, no AuthAction:Domain) issues tokens to anyone who can reach it, so it "
                + $"serves this machine only, but the app would listen on {exposed}: listen on loopback (--urls http://localhost:3000), "
                + "or use your AuthAction tenant (AuthAction__Domain and AuthAction__Audience).");
        }

        if (options.Address is not null && !LocalTenantMode.IsHttpAddress(options.Address))
        {
            failures.Add(Describe("Address", "must be an absolute http or https address", "http://localhost:3000"));
        }

        if (string.IsNullOrWhiteSpace(options.Audience))
        {
            failures.Add(Describe("Audience", "is missing", "https://authactionapi.local/api"));
        }
        else if (!AudienceText.IsWellFormed(options.Audience))
        {
            failures.Add(Describe("Audience", "must not contain spaces, line breaks or other control characters", "https://authactionapi.local/api"));
        }

        if (options.TokenLifetime < TimeSpan.FromMinutes(1) || options.TokenLifetime > TimeSpan.FromDays(1))
        {
            failures.Add(Describe("TokenLifetime", "must be between 00:01:00 and 1.00:00:00", "01:00:00"));
        }

        for (var i = 0; i < options.Clients.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(options.Clients[i].ClientId))
            {
                failures.Add(Describe($"Clients:{i}:ClientId", "is missing", "local-reader"));
            }

            if (string.IsNullOrWhiteSpace(options.Clients[i].ClientSecret))
            {
                failures.Add(Describe($"Clients:{i}:ClientSecret", "is missing", "local-reader-secret"));
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static string Describe(string key, string problem, string example) =>
        SettingProblem.Describe(LocalTenantOptions.SectionName, key, problem, example);
}

using AuthActionApi.Authentication.Configuration;
using Microsoft.Extensions.Options;

namespace AuthActionApi.LocalTenant;

/// <summary>
/// Stops start-up on a local tenant setting it could not run with, one line per problem. Only while the local tenant
/// runs (<see cref="LocalTenantMode.IsActive"/>): elsewhere its settings have no effect, and a Production app, or one
/// pointed at a real tenant, must never refuse to start over them. What is required and the lifetime's range are data
/// annotations on the options, checked by the source-generated validator; the rest is checked here.
/// </summary>
internal sealed partial class LocalTenantOptionsValidator(LocalTenantMode mode, IConfiguration configuration)
    : IValidateOptions<LocalTenantOptions>
{
    private static readonly Annotations s_annotations = new();

    public ValidateOptionsResult Validate(string? name, LocalTenantOptions options)
    {
        if (!mode.IsActive)
        {
            return ValidateOptionsResult.Skip;
        }

        var failures = new ValidateOptionsResultBuilder();
        if (LocalTenantListenAddresses.FirstBeyondLoopback(configuration) is { } exposed)
        {
            failures.AddError($"the local tenant (Development, no AuthAction:Domain) issues tokens to anyone who can reach it, so it "
                + $"serves this machine only, but the app would listen on {exposed}: listen on loopback (--urls http://localhost:3000), "
                + "or use your AuthAction tenant (AuthAction__Domain and AuthAction__Audience).");
        }

        if (options.Address is not null && !LocalTenantMode.IsHttpAddress(options.Address))
        {
            failures.AddError(SettingProblem.Describe("LocalTenant:Address", "must be an absolute http or https address", "http://localhost:3000"));
        }

        // An empty one is reported as missing, by its [Required].
        if (options.Audience.Length > 0 && !AudienceText.IsWellFormed(options.Audience))
        {
            failures.AddError(SettingProblem.Describe("LocalTenant:Audience", "must not contain spaces, line breaks or other control characters",
                "https://authactionapi.local/api"));
        }

        failures.AddResult(SettingProblem.Validate(s_annotations, LocalTenantOptions.SectionName, options));
        return failures.Build();
    }

    [OptionsValidator]
    private sealed partial class Annotations : IValidateOptions<LocalTenantOptions>;
}

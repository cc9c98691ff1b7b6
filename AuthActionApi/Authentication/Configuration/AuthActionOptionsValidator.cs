using Microsoft.Extensions.Options;

namespace AuthActionApi.Authentication.Configuration;

/// <summary>
/// Stops start-up on a missing or malformed setting with one line each that names the setting and both ways to set it.
/// The ranges are <c>[Range]</c> on the options, checked by the source-generated validator; here is what no annotation
/// says: a tenant domain, an audience, a setting no longer read, a value the binder could not convert.
/// </summary>
internal sealed partial class AuthActionOptionsValidator(string section) : IValidateOptions<AuthActionOptions>
{
    private static readonly Annotations s_annotations = new();

    public ValidateOptionsResult Validate(string? name, AuthActionOptions options)
    {
        var failures = new ValidateOptionsResultBuilder();
        if (UnconvertibleSetting.Find(options) is { } unconvertible)
        {
            failures.AddError(unconvertible);
        }

        var domain = TenantAddress.Parse(options.Domain);
        if (domain.Problem is not null)
        {
            failures.AddError(SettingProblem.Describe($"{section}:Domain", domain.Problem, "acme.eu.authaction.com", "AUTHACTION_DOMAIN"));
        }

        if (string.IsNullOrWhiteSpace(options.Audience))
        {
            failures.AddError(SettingProblem.Describe($"{section}:Audience", "is missing", "https://api.acme.example", "AUTHACTION_AUDIENCE"));
        }
        else if (!AudienceText.IsWellFormed(options.Audience))
        {
            // Surrounding whitespace is trimmed before this check; inside, it is a pasting mistake no token matches.
            failures.AddError(SettingProblem.Describe($"{section}:Audience", "must not contain spaces, line breaks or other control characters",
                "https://api.acme.example", "AUTHACTION_AUDIENCE"));
        }

        if (options.TokenCache.SizeLimit is not null)
        {
            failures.AddError($"{section}:TokenCache:SizeLimit is no longer read (it counted tokens, whatever their size): remove it "
                + $"(environment variable {section}__TokenCache__SizeLimit) and bound the cache in memory with {section}:TokenCache:MemoryLimitMegabytes, for example 32.");
        }

        failures.AddResult(SettingProblem.Validate(s_annotations, section, options));
        return failures.Build();
    }

    [OptionsValidator]
    private sealed partial class Annotations : IValidateOptions<AuthActionOptions>;
}

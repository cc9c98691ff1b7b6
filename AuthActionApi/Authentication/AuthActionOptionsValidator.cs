using Microsoft.Extensions.Options;

namespace AuthActionApi.Authentication;

/// <summary>
/// Stops start-up on a missing or malformed setting with one line that names the setting, both ways to
/// set it, and an example value.
/// </summary>
internal sealed class AuthActionOptionsValidator(string section) : IValidateOptions<AuthActionOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthActionOptions options)
    {
        var failures = new List<string>();
        if (options.Unconvertible is { } unconvertible)
        {
            failures.Add(DescribeUnconvertible(unconvertible));
        }

        var domain = TenantAddress.Parse(options.Domain);
        if (domain.Problem is not null)
        {
            failures.Add(Describe("Domain", "AUTHACTION_DOMAIN", domain.Problem, "acme.eu.authaction.com"));
        }

        if (string.IsNullOrWhiteSpace(options.Audience))
        {
            failures.Add(Describe("Audience", "AUTHACTION_AUDIENCE", "is missing", "https://api.acme.example"));
        }
        else if (!AudienceText.IsWellFormed(options.Audience))
        {
            // Surrounding whitespace is trimmed before this check; inside, it is a pasting mistake no token matches.
            failures.Add(Describe("Audience", "AUTHACTION_AUDIENCE", "must not contain spaces, line breaks or other control characters", "https://api.acme.example"));
        }

        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > TimeSpan.FromMinutes(5))
        {
            failures.Add(Describe("ClockSkew", null, "must be between 00:00:00 and 00:05:00", "00:00:30"));
        }

        if (options.Jwks.RefreshesPerMinute is < 1 or > 60)
        {
            failures.Add(Describe("Jwks:RefreshesPerMinute", null, "must be between 1 and 60", "5"));
        }

        if (options.Jwks.FetchTimeout <= TimeSpan.Zero || options.Jwks.FetchTimeout > TimeSpan.FromMinutes(1))
        {
            failures.Add(Describe("Jwks:FetchTimeout", null, "must be more than zero and at most 00:01:00", "00:00:10"));
        }

        // Past a day a key the tenant removed would validate for too long, and Task.Delay refuses ~50 days and more.
        if (options.Jwks.RefreshInterval < TimeSpan.FromSeconds(1) || options.Jwks.RefreshInterval > TimeSpan.FromDays(1))
        {
            failures.Add(Describe("Jwks:RefreshInterval", null, "must be between 00:00:01 and 1.00:00:00", "00:10:00"));
        }

        // The back-off after a failed fetch never waits more than a minute, its first step included.
        if (options.Jwks.RetryDelay <= TimeSpan.Zero || options.Jwks.RetryDelay > TimeSpan.FromMinutes(1))
        {
            failures.Add(Describe("Jwks:RetryDelay", null, "must be more than zero and at most 00:01:00", "00:00:02"));
        }

        if (options.TokenCache.MemoryLimitMegabytes is < 1 or > 4096)
        {
            failures.Add(Describe("TokenCache:MemoryLimitMegabytes", null, "must be between 1 and 4096", "32"));
        }

        if (options.TokenCache.SizeLimit is not null)
        {
            failures.Add($"{section}:TokenCache:SizeLimit is no longer read (it counted tokens, whatever their size): remove it "
                + $"(environment variable {section}__TokenCache__SizeLimit) and bound the cache in memory with {section}:TokenCache:MemoryLimitMegabytes, for example 32.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static string DescribeUnconvertible(UnconvertibleSetting setting)
    {
        var expected = setting.TypeName switch
        {
            "System.TimeSpan" => "a time span ([d.]hh:mm:ss)",
            "System.Int32" => "a whole number",
            "System.Boolean" => "true or false",
            var other => $"a value of type {other}",
        };
        var variable = setting.Key.Replace(":", "__", StringComparison.Ordinal);
        return $"{setting.Key} must be {expected}: set it in appsettings.json or with the environment variable {variable}.";
    }

    /// <summary>The key, what is wrong, both ways to set it, and an example value.</summary>
    private string Describe(string key, string? legacyVariable, string problem, string example)
    {
        var variables = $"{section}:{key}".Replace(":", "__", StringComparison.Ordinal) + (legacyVariable is null ? string.Empty : $" or {legacyVariable}");
        return $"{section}:{key} {problem}: set it in appsettings.json (\"{section}\": {{ ... }}) or with the environment variable {variables}, for example {example}.";
    }
}

using AuthActionApi.Authentication.Refusals;
using AuthActionApi.Settings;
using Microsoft.Extensions.Options;

namespace AuthActionApi.Logging;

/// <summary>Stops start-up on a refusal-log setting out of its range, one line per problem.</summary>
internal sealed class RefusalLogOptionsValidator : IValidateOptions<RefusalLogOptions>
{
    public ValidateOptionsResult Validate(string? name, RefusalLogOptions options)
    {
        var failures = new List<string>();
        if (options.LinesPerInterval is < 1 or > 10_000)
        {
            failures.Add(SettingProblem.Describe(RefusalLogOptions.SectionName, "LinesPerInterval", "must be between 1 and 10000", "5"));
        }

        if (options.Interval < TimeSpan.FromSeconds(1) || options.Interval > TimeSpan.FromHours(1))
        {
            failures.Add(SettingProblem.Describe(RefusalLogOptions.SectionName, "Interval", "must be between 00:00:01 and 01:00:00", "00:00:10"));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

using Microsoft.Extensions.Options;

namespace AuthActionApi.Settings;

/// <summary>
/// Reports each value under the section that does not convert to its property's type as a validation failure, so it
/// stops start-up with one line like any other bad setting (see <c>RunApiAsync</c>) instead of a stack trace.
/// </summary>
internal sealed class UnparseableSettingsValidator<TOptions>(
    string? optionsName,
    string sectionPath,
    IConfiguration configuration,
    Func<bool> inEffect)
    : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        if ((optionsName is not null && name != optionsName) || !inEffect())
        {
            return ValidateOptionsResult.Skip;
        }

        var unparseable = SettingValues.FindUnparseable(configuration.GetSection(sectionPath), typeof(TOptions));
        return unparseable.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(unparseable.Select(setting =>
                SettingProblem.Describe(sectionPath, setting.Key, setting.Problem, setting.Example)));
    }
}

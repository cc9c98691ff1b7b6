using AuthActionApi.Authentication.Configuration;
using AuthActionApi.Authentication.Refusals;
using Microsoft.Extensions.Options;

namespace AuthActionApi.Logging;

/// <summary>Stops start-up on a refusal-log setting outside the ranges <see cref="RefusalLogOptions"/> declares, one line per problem.</summary>
internal sealed partial class RefusalLogOptionsValidator : IValidateOptions<RefusalLogOptions>
{
    private static readonly Annotations s_annotations = new();

    public ValidateOptionsResult Validate(string? name, RefusalLogOptions options) =>
        SettingProblem.Validate(s_annotations, RefusalLogOptions.SectionName, options);

    [OptionsValidator]
    private sealed partial class Annotations : IValidateOptions<RefusalLogOptions>;
}

using AuthActionApi.Authentication.Configuration;
using Microsoft.Extensions.Options;

namespace AuthActionApi.Hosting;

/// <summary>Stops start-up on a drain delay outside the range <see cref="ShutdownOptions"/> declares, in one line naming the key.</summary>
internal sealed partial class ShutdownOptionsValidator : IValidateOptions<ShutdownOptions>
{
    private static readonly Annotations s_annotations = new();

    public ValidateOptionsResult Validate(string? name, ShutdownOptions options) =>
        SettingProblem.Validate(s_annotations, ShutdownOptions.SectionName, options);

    [OptionsValidator]
    private sealed partial class Annotations : IValidateOptions<ShutdownOptions>;
}

using AuthActionApi.Settings;
using Microsoft.Extensions.Options;

namespace AuthActionApi.Hosting;

/// <summary>Stops start-up on a drain delay out of its range.</summary>
internal sealed class ShutdownOptionsValidator : IValidateOptions<ShutdownOptions>
{
    public ValidateOptionsResult Validate(string? name, ShutdownOptions options) =>
        options.DrainDelay < TimeSpan.Zero || options.DrainDelay > ShutdownOptions.MaximumDrainDelay
            ? ValidateOptionsResult.Fail(SettingProblem.Describe(
                ShutdownOptions.SectionName, nameof(ShutdownOptions.DrainDelay), "must be between 00:00:00 and 00:05:00", "00:00:10"))
            : ValidateOptionsResult.Success;
}

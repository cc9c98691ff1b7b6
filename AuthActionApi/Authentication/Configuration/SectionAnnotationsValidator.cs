using Microsoft.Extensions.Options;

namespace AuthActionApi.Authentication.Configuration;

/// <summary>
/// Checks what the data annotations on options bound from <paramref name="section"/> declare, through their
/// source-generated <c>[OptionsValidator]</c> <typeparamref name="TAnnotations"/>, each failure one line naming its key.
/// For options with no rule beyond their annotations.
/// </summary>
internal sealed class SectionAnnotationsValidator<TOptions, TAnnotations>(string section) : IValidateOptions<TOptions>
    where TOptions : class
    where TAnnotations : IValidateOptions<TOptions>, new()
{
    private static readonly TAnnotations s_annotations = new();

    public ValidateOptionsResult Validate(string? name, TOptions options) => SettingProblem.Validate(s_annotations, section, options);
}

using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace AuthActionApi.Authentication.Configuration;

/// <summary>
/// The one line an operator reads when a setting stops start-up: the key, what is wrong with it, both ways to set it,
/// and, where it helps, an example.
/// </summary>
internal static partial class SettingProblem
{
    /// <param name="key">The full key, such as <c>AuthAction:Jwks:RetryDelay</c>.</param>
    /// <param name="problem">What is wrong, phrased to follow the key: <c>is missing</c>.</param>
    /// <param name="example">A value that would be accepted; none when the problem already says what is.</param>
    /// <param name="legacyVariable">Another environment variable that sets the same key, such as <c>AUTHACTION_DOMAIN</c>.</param>
    public static string Describe(string key, string problem, string? example = null, string? legacyVariable = null)
    {
        var section = key.Split(':')[0];
        var variables = key.Replace(":", "__", StringComparison.Ordinal) + (legacyVariable is null ? string.Empty : $" or {legacyVariable}");
        var forExample = example is null ? string.Empty : $", for example {example}";
        return $"{key} {problem}: set it in appsettings.json (\"{section}\": {{ ... }}) or with the environment variable {variables}{forExample}.";
    }

    /// <summary>
    /// Runs a source-generated <c>[OptionsValidator]</c> over options bound from <paramref name="section"/>, each failure
    /// in the line of <see cref="Describe"/>. The generator names a setting by its property path, ignoring any
    /// <c>ErrorMessage</c> on <c>[Range]</c> (dotnet/runtime#123137): given the section as the options name, it writes
    /// <c>The field AuthAction.Jwks.RetryDelay must be between ...</c>, and that path becomes the key.
    /// </summary>
    public static ValidateOptionsResult Validate<TOptions>(IValidateOptions<TOptions> annotations, string section, TOptions options)
        where TOptions : class
    {
        var result = annotations.Validate(section, options);
        if (!result.Failed)
        {
            return result;
        }

        var prefix = section + ".";
        return ValidateOptionsResult.Fail(result.Failures.Select(failure =>
        {
            var at = failure.IndexOf(prefix, StringComparison.Ordinal);
            var end = at < 0 ? -1 : failure.IndexOf(' ', at);
            if (end < 0)
            {
                return failure;
            }

            // Clients[0].ClientId is Clients:0:ClientId.
            var path = ElementIndex().Replace(failure[(at + prefix.Length)..end], ":$1").Replace('.', ':');
            return Describe($"{section}:{path}", failure[(end + 1)..].TrimEnd('.'));
        }));
    }

    [GeneratedRegex(@"\[(\d+)\]", RegexOptions.CultureInvariant)]
    private static partial Regex ElementIndex();
}

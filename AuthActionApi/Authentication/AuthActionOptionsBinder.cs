using System.Text.RegularExpressions;

namespace AuthActionApi.Authentication;

/// <summary>
/// Binds <see cref="AuthActionOptions"/> with the configuration binder, as <c>BindConfiguration</c> does, except that
/// the binder's conversion error (<c>30s</c> for a time span) is kept for <see cref="AuthActionOptionsValidator"/> to
/// report as one line naming the key, instead of a stack trace while the options are built. Surrounding whitespace
/// is trimmed from the domain and the audience.
/// </summary>
internal static partial class AuthActionOptionsBinder
{
    public static void Bind(IConfigurationSection section, AuthActionOptions options)
    {
        try
        {
            section.Bind(options);
        }
        catch (InvalidOperationException ex) when (ConversionError().Match(ex.Message) is { Success: true } match)
        {
            // The key and type only: the binder's message also quotes the value, raw, control characters and all.
            options.Unconvertible = new(match.Groups["key"].Value, match.Groups["type"].Value);
        }

        // A value stored with echo ends in a newline; aud is compared exactly, so it would refuse every token.
        options.Domain = options.Domain?.Trim();
        options.Audience = options.Audience?.Trim();
    }

    // Anchored at the end: the value, quoted earlier in the message, may itself hold "at '...' to type '...'".
    [GeneratedRegex(@" at '(?<key>[^']*)' to type '(?<type>[^']*)'\.$", RegexOptions.CultureInvariant)]
    private static partial Regex ConversionError();
}

using System.Diagnostics.CodeAnalysis;

namespace AuthActionApi.Authentication.Configuration;

/// <summary>What an audience setting may hold once trimmed: one identifier, compared exactly with a token's <c>aud</c>.</summary>
internal static class AudienceText
{
    /// <summary>
    /// False for an empty value and for one with whitespace or a control character inside: a pasting mistake
    /// (two values, a line break) that no token would ever match.
    /// </summary>
    public static bool IsWellFormed([NotNullWhen(true)] string? audience) =>
        !string.IsNullOrWhiteSpace(audience) && !audience.Any(c => char.IsWhiteSpace(c) || char.IsControl(c));
}

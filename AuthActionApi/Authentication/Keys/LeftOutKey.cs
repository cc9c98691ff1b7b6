namespace AuthActionApi.Authentication.Keys;

/// <summary>
/// A key the tenant publishes that this API does not trust, and why. <see cref="MeantForSigning"/> when it presents
/// itself as an RS256 signing key (RSA, for signatures or not saying, for RS256 or not saying): leaving such a key out
/// makes the tokens it signed unknown, which an operator must hear about; any other key is simply not for us.
/// </summary>
internal sealed record LeftOutKey(string Kid, string Reason, bool MeantForSigning)
{
    /// <summary>How many keys one log line or error message names; the rest are counted.</summary>
    private const int MostNamed = 5;

    /// <summary>Longest kid or JWK value shown: a tenant's JWKS may hold anything up to its size limit.</summary>
    private const int LongestShown = 64;

    /// <summary>"kid (reason); kid (reason); and 3 more", or empty for none.</summary>
    public static string Describe(IReadOnlyList<LeftOutKey> keys)
    {
        var named = keys.Take(MostNamed).Select(key => $"{Shown(key.Kid)} ({key.Reason})");
        var rest = keys.Count > MostNamed ? [$"and {keys.Count - MostNamed} more"] : Array.Empty<string>();
        return string.Join("; ", named.Concat(rest));
    }

    /// <summary>A value from the JWKS as a log line may show it: at most <see cref="LongestShown"/> characters.</summary>
    public static string Shown(string? value) =>
        value is null ? "none" : value.Length <= LongestShown ? value : string.Concat(value.AsSpan(0, LongestShown), "…");
}

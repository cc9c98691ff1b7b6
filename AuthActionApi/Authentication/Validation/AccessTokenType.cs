namespace AuthActionApi.Authentication.Validation;

/// <summary>
/// Whether a token the tenant signed is an access token at all (RFC 8725 §3.11): the tenant signs ID tokens and
/// others with the same key, for the same audience sometimes, and only the type tells them apart. AuthAction's
/// access tokens carry <c>typ</c> <c>JWT</c> (the local tenant writes the same); RFC 9068 §2.1 names
/// <c>at+jwt</c>. Accepted: no <c>typ</c>, <c>JWT</c>, <c>at+jwt</c>, each with or without the <c>application/</c>
/// prefix and in any case (RFC 7515 §4.1.9: a media type). Refused: any other <c>typ</c>; a token carrying a claim
/// only ID tokens carry is refused by <see cref="PayloadClaims"/>.
/// </summary>
internal static class AccessTokenType
{
    private static readonly string[] s_accepted = ["JWT", "application/jwt", "at+jwt", "application/at+jwt"];

    /// <summary>Whether a header's <c>typ</c> (<see langword="null"/> when absent) is one an access token may carry.</summary>
    public static bool IsAccepted(string? type)
    {
        if (type is null)
        {
            return true;
        }

        foreach (var accepted in s_accepted)
        {
            if (string.Equals(type, accepted, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}

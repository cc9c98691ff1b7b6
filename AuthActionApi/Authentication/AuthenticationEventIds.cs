namespace AuthActionApi.Authentication;

/// <summary>
/// The <see cref="EventId"/> of each line the authentication code logs. Operators filter and alert on these numbers,
/// so each is given here once; the <c>[LoggerMessage]</c> declarations and the tests use the names.
/// </summary>
internal static class AuthenticationEventIds
{
    /// <summary>A fetch loaded the tenant's signing keys.</summary>
    public const int KeysFetched = 1001;

    /// <summary>A fetch of the tenant's signing keys failed; the last good keys, if any, stay in use.</summary>
    public const int KeyFetchFailed = 1002;

    /// <summary>A token named an unknown key while the unknown-<c>kid</c> fetch budget was spent.</summary>
    public const int UnknownKeyFetchDenied = 1003;

    /// <summary>A fetch left out published keys that present themselves as RS256 signing keys.</summary>
    public const int SigningKeysLeftOut = 1004;

    /// <summary>A fetch left out published keys, none of them an RS256 signing key.</summary>
    public const int OtherKeysLeftOut = 1005;

    /// <summary>A <c>KeysRemoved</c> handler threw.</summary>
    public const int KeysRemovedHandlerFailed = 1006;

    /// <summary>The background key refresh failed in a way a failed fetch does not.</summary>
    public const int KeyRefreshFailedUnexpectedly = 1007;

    /// <summary>A token was validated: its subject and claims.</summary>
    public const int TokenValidated = 2001;

    /// <summary>
    /// A token was refused. One event whatever the reason: a wrong audience or issuer line only adds what this API
    /// expects, so a filter on this id sees every refused token.
    /// </summary>
    public const int TokenRefused = 2002;

    /// <summary>A request was answered 503 because no signing key has been loaded yet.</summary>
    public const int KeysUnavailable = 2003;

    /// <summary>A request to a protected endpoint carried no access token.</summary>
    public const int TokenMissing = 2004;

    /// <summary>Refusal lines for one reason were left out in an interval, and how many.</summary>
    public const int RefusalLinesLeftOut = 5001;
}

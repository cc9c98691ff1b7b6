using System.ComponentModel.DataAnnotations;

namespace AuthActionApi.Authentication.Keys;

/// <summary>Tunables for fetching the tenant's signing keys (section <c>AuthAction:Jwks</c>).</summary>
public sealed class JwksOptions
{
    /// <summary>
    /// The largest JWKS document accepted, in bytes: 1 MiB. Not a setting. A tenant publishes two or three keys,
    /// about 1.5 KB; 1 MiB holds some 2,500 RSA keys. A larger answer is a failed fetch and the last good keys keep
    /// serving. The declared <c>Content-Length</c> is checked before reading and the limit is enforced again while
    /// the body streams, so an oversized or endless body costs at most this much memory.
    /// </summary>
    public const int MaxDocumentBytes = 1024 * 1024;

    /// <summary>
    /// How many times a minute a token with an unknown <c>kid</c> may trigger a JWKS fetch, as
    /// jwks-rsa's <c>jwksRequestsPerMinute</c> in the NestJS example. Default 5; 1 to 60.
    /// </summary>
    [Range(1, 60)]
    public int RefreshesPerMinute { get; set; } = 5;

    /// <summary>How long one JWKS fetch may take before it is abandoned. Default 10 seconds; more than zero, at most a minute.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00", MinimumIsExclusive = true)]
    public TimeSpan FetchTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often the keys are re-read even when no token asks, so a removed key stops validating. Default 10 minutes;
    /// one second to one day.
    /// </summary>
    // Past a day a key the tenant removed would validate for too long, and Task.Delay refuses ~50 days and more.
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How soon a failed fetch is retried in the background, doubling up to a minute or <see cref="RefreshInterval"/>,
    /// whichever is shorter. Default 2 seconds; more than zero, at most a minute.
    /// </summary>
    // The back-off after a failed fetch never waits more than a minute, its first step included.
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00", MinimumIsExclusive = true)]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);
}

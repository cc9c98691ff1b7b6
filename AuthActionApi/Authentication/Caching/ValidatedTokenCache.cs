using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using AuthActionApi.Authentication.Keys;
using AuthActionApi.Authentication.Validation;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthActionApi.Authentication.Caching;

/// <summary>
/// Tokens that passed every check, remembered the way Envoy's <c>jwt_authn</c> does, so a caller that sends
/// the same token again does not pay for parsing and an RSA signature check on every request. The token handler
/// JwtBearer calls (<see cref="AuthActionTokenHandler"/>) reads it and offers it what it validated; the scheme's
/// events (<see cref="AuthActionEvents"/>) accept an offer once your <c>OnTokenValidated</c> has. The rules:
/// <list type="bullet">
/// <item>Entries belong to the token handler that validated them, one per scheme and options instance: a token
/// validated for one scheme (its audience, its issuers) is never served to another, and when a scheme's options are
/// built anew (a configuration reload), the old handler's entries are never served again (they leave at their
/// <c>exp</c> or when room is needed). The key is that handler and the whole token string.</item>
/// <item>Only successes are stored, after <c>OnTokenValidated</c> accepted them; a refused token is checked afresh
/// every time it is sent. JwtBearer raises every event for a cached token as for any other.</item>
/// <item>An entry expires at the token's <c>exp</c> by the app's <see cref="TimeProvider"/>, never later (no clock
/// skew is added), and a token already at or past its <c>exp</c> is not stored.</item>
/// <item>An entry is served only while the key that verified it is still the one the current key set holds
/// under that <c>kid</c>; entries whose key left the JWKS are dropped when the key set changes.</item>
/// <item>Bounded in bytes, over every scheme: each entry is charged for what it holds (<see cref="ChargeFor"/>) against
/// <see cref="TokenCacheOptions.MemoryLimitMegabytes"/>; a token charged more than a 64th of the budget is never stored,
/// and when the budget is spent new tokens are validated but not stored until room is made.</item>
/// </list>
/// </summary>
internal sealed class ValidatedTokenCache : IDisposable
{
    /// <summary>The meter of the cache's instruments.</summary>
    public const string MeterName = "AuthActionApi.TokenCache";

    private readonly MemoryCache _entries;
    private readonly ConditionalWeakTable<SecurityToken, PendingEntry> _offers = [];
    private readonly JwksKeySource _keys;
    private readonly TimeProvider _time;
    private readonly long _largestEntry;
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _evictionByKid = new(StringComparer.Ordinal);
    private long _hits;
    private long _misses;

    public ValidatedTokenCache(IOptions<AuthActionOptions> options, JwksKeySource keys, TimeProvider time, IMeterFactory meterFactory)
    {
        var settings = options.Value.TokenCache;
        Enabled = settings.Enabled;
        var budget = settings.MemoryLimitMegabytes * 1024L * 1024L;
        _largestEntry = budget / 64;
        _keys = keys;
        _time = time;
        // MemoryCache reads its own clock, the system's, unless given one: given the app's, an entry expires at exp by
        // the same clock that Offer compares exp with.
        _entries = new MemoryCache(new MemoryCacheOptions { SizeLimit = budget, Clock = new AppClock(time), TrackStatistics = true });
        _keys.KeysRemoved += Evict;

        // Observable instruments read only when someone listens: nothing is added per request.
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableCounter("authaction.token_cache.hits", () => Interlocked.Read(ref _hits), description: "Requests whose token was found validated in the cache.");
        meter.CreateObservableCounter("authaction.token_cache.misses", () => Interlocked.Read(ref _misses), description: "Requests whose token was looked up and not found, so it was validated in full.");
        meter.CreateObservableUpDownCounter("authaction.token_cache.entries", () => (long)Count, description: "Validated tokens held.");
        meter.CreateObservableUpDownCounter("authaction.token_cache.size", () => ChargedBytes, unit: "By", description: "What the held tokens are charged against the cache's memory limit.");
    }

    /// <summary>Whether the cache is used at all (<see cref="TokenCacheOptions.Enabled"/>).</summary>
    public bool Enabled { get; }

    /// <summary>Entries held, over every scheme.</summary>
    public int Count => _entries.Count;

    /// <summary>What the entries held are charged, in bytes, over every scheme.</summary>
    public long ChargedBytes => _entries.GetCurrentStatistics()?.CurrentEstimatedSize ?? 0;

    /// <summary>
    /// What an entry is charged: the parsed token (its string, its decoded header and payload, the claims it lists)
    /// and the stored copy of its identity. A claim costs some 300 bytes whatever its value (two <c>Claim</c> objects
    /// and their strings, one per array element), so 100 undercharged tokens with many short values up to twofold.
    /// Measured (bench/cache-memory.sh) for tokens of 0.7 to 8 KB with 8 to 2,800 claims, the bytes an entry kept
    /// alive were at most 86 % of this (bench/README.md, "Token cache memory").
    /// </summary>
    public static long ChargeFor(int tokenLength, int claimCount) => 2048 + (12L * tokenLength) + (350L * claimCount);

    /// <summary>
    /// A token <paramref name="owner"/> (the token handler of one scheme's options instance) validated before, as the
    /// result a full validation gives, with a new copy of its identity, so nothing one request does to its principal
    /// reaches another.
    /// </summary>
    public bool TryGet(object owner, string token, [NotNullWhen(true)] out TokenValidationResult? hit)
    {
        // The key check catches a key set replaced after this entry was stored, and a tenant that put new
        // key material under an old kid: either way the token is validated again against what is published now.
        if (_entries.TryGetValue(new Key(owner, token), out Entry? entry)
            && entry is not null
            && _keys.Current is { } keySet
            && keySet.TryGetKey(entry.Kid, out var key)
            && ReferenceEquals(key, entry.SigningKey))
        {
            Interlocked.Increment(ref _hits);
            hit = new TokenValidationResult { IsValid = true, SecurityToken = entry.Token, ClaimsIdentity = Copy(entry.Identity) };
            return true;
        }

        Interlocked.Increment(ref _misses);
        hit = null;
        return false;
    }

    /// <summary>
    /// Offers what a full validation produced, copied before JwtBearer hands its identity to your events; it is stored
    /// only when <see cref="Accept"/> is called for the same token. Nothing is offered for a token this cache never
    /// stores (no kid, no signing key, expired, charged more than a 64th of the budget).
    /// </summary>
    public void Offer(object owner, TokenValidationResult validated)
    {
        if (validated.SecurityToken is not JsonWebToken { SigningKey: { } signingKey, Kid: { Length: > 0 } kid } jwt
            || validated.ClaimsIdentity is not { } identity)
        {
            return;
        }

        // ValidTo is exp in UTC (DateTime.MinValue when absent, which the validation already refused).
        var expiresAt = new DateTimeOffset(DateTime.SpecifyKind(jwt.ValidTo, DateTimeKind.Utc));
        var copy = Copy(identity);
        var charge = ChargeFor(jwt.EncodedToken.Length, copy.Claims.Count());
        if (expiresAt > _time.GetUtcNow() && charge <= _largestEntry)
        {
            _offers.AddOrUpdate(jwt, new PendingEntry(owner, new Entry(jwt, kid, signingKey, copy, expiresAt), charge));
        }
    }

    /// <summary>Stores the offer made for <paramref name="token"/>, if any, until its <c>exp</c>.</summary>
    public void Accept(SecurityToken? token)
    {
        // A cached token was never offered: it is already here.
        if (token is null || !_offers.TryGetValue(token, out var offer))
        {
            return;
        }

        _offers.Remove(token);
        var entry = offer.Entry;
        var eviction = _evictionByKid.GetOrAdd(entry.Kid, static _ => new CancellationTokenSource());
        var key = new Key(offer.Owner, entry.Token.EncodedToken);
        using (var cacheEntry = _entries.CreateEntry(key))
        {
            cacheEntry.Value = entry;
            cacheEntry.Size = offer.Charge;
            cacheEntry.AbsoluteExpiration = entry.ExpiresAt;
            cacheEntry.AddExpirationToken(new CancellationChangeToken(eviction.Token));
        }

        // The key set may have dropped this kid while the token was being checked; Evict ran before the entry existed.
        if (_keys.Current is not { } current || !current.TryGetKey(entry.Kid, out _))
        {
            _entries.Remove(key);
        }
    }

    public void Dispose()
    {
        _keys.KeysRemoved -= Evict;
        _entries.Dispose();
        foreach (var eviction in _evictionByKid.Values)
        {
            eviction.Dispose();
        }
    }

    private void Evict(IReadOnlyCollection<string> removedKids)
    {
        foreach (var kid in removedKids)
        {
            // Cancelled, not disposed: an Accept that took this source just before may still read its Token, and a
            // source with no timer holds nothing that needs releasing.
            if (_evictionByKid.TryRemove(kid, out var eviction))
            {
                eviction.Cancel();
            }
        }

        // Expired entries otherwise leave the cache only when looked up or at the next periodic scan.
        _entries.Compact(0);
    }

    private static ClaimsIdentity Copy(ClaimsIdentity identity) =>
        identity is CaseSensitiveClaimsIdentity ? new CaseSensitiveClaimsIdentity(identity) : identity.Clone();

    /// <summary>The app's <see cref="TimeProvider"/> as the clock <see cref="MemoryCache"/> takes.</summary>
    private sealed class AppClock(TimeProvider time) : Microsoft.Extensions.Internal.ISystemClock
    {
        public DateTimeOffset UtcNow => time.GetUtcNow();
    }

    /// <summary>The token handler that validated a token (by reference), and the token's whole string.</summary>
    private readonly record struct Key(object Owner, string Token)
    {
        public bool Equals(Key other) => ReferenceEquals(Owner, other.Owner) && string.Equals(Token, other.Token, StringComparison.Ordinal);

        public override int GetHashCode() => HashCode.Combine(RuntimeHelpers.GetHashCode(Owner), string.GetHashCode(Token, StringComparison.Ordinal));
    }

    /// <summary>A validated token waiting for <c>OnTokenValidated</c>'s verdict, and what it will be charged.</summary>
    private sealed record PendingEntry(object Owner, Entry Entry, long Charge);

    /// <summary>One validated token as stored: never handed out, only copies of its identity.</summary>
    private sealed record Entry(JsonWebToken Token, string Kid, SecurityKey SigningKey, ClaimsIdentity Identity, DateTimeOffset ExpiresAt);
}

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
/// <item>Entries belong to one authentication scheme and to the options instance it validated them with (through
/// that instance's own token handler): a token validated for one scheme (its audience, its issuers) is never served
/// to another, and when a scheme's options are built anew (a configuration reload), its entries go with the old
/// ones. The key within a scheme is the whole token string.</item>
/// <item>Only successes are stored, after <c>OnTokenValidated</c> accepted them; a refused token is checked afresh
/// every time it is sent. JwtBearer raises every event for a cached token as for any other.</item>
/// <item>An entry expires at the token's <c>exp</c> by the app's <see cref="TimeProvider"/>, never later (no clock
/// skew is added), and a token already at or past its <c>exp</c> is not stored.</item>
/// <item>An entry is served only while the key that verified it is still the one the current key set holds
/// under that <c>kid</c>; entries whose key left the JWKS are dropped when the key set changes.</item>
/// <item>At most <see cref="TokenCacheOptions.SizeLimit"/> entries per scheme; past that, tokens are validated but not stored.</item>
/// </list>
/// </summary>
internal sealed class ValidatedTokenCache : IDisposable
{
    private readonly ConcurrentDictionary<string, Partition> _schemes = new(StringComparer.Ordinal);
    private readonly ConditionalWeakTable<SecurityToken, PendingEntry> _offers = [];
    private readonly JwksKeySource _keys;
    private readonly TimeProvider _time;
    private readonly long _sizeLimit;
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _evictionByKid = new(StringComparer.Ordinal);
    private long _hits;
    private long _misses;

    public ValidatedTokenCache(IOptions<AuthActionOptions> options, JwksKeySource keys, TimeProvider time, IMeterFactory meterFactory)
    {
        var settings = options.Value.TokenCache;
        Enabled = settings.Enabled;
        _sizeLimit = settings.SizeLimit;
        _keys = keys;
        _time = time;
        _keys.KeysRemoved += Evict;

        // Observable counters read the two fields only when someone listens: nothing is added per request.
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableCounter("authaction.token_cache.hits", () => Interlocked.Read(ref _hits), description: "Requests whose token was found validated in the cache.");
        meter.CreateObservableCounter("authaction.token_cache.misses", () => Interlocked.Read(ref _misses), description: "Requests whose token was looked up and not found, so it was validated in full.");
        meter.CreateObservableUpDownCounter("authaction.token_cache.entries", () => (long)Count, description: "Validated tokens held.");
    }

    /// <summary>The meter of the cache's instruments.</summary>
    public const string MeterName = "AuthActionApi.TokenCache";

    /// <summary>Whether the cache is used at all (<see cref="TokenCacheOptions.Enabled"/>).</summary>
    public bool Enabled { get; }

    /// <summary>Entries held, over every scheme.</summary>
    public int Count => _schemes.Values.Sum(partition => partition.Entries.Count);

    /// <summary>
    /// A token validated before for <paramref name="scheme"/> by <paramref name="owner"/> (the token handler of one
    /// options instance), as the result a full validation gives, with a new copy of its identity, so nothing one request
    /// does to its principal reaches another.
    /// </summary>
    public bool TryGet(string scheme, object owner, string token, [NotNullWhen(true)] out TokenValidationResult? hit)
    {
        // The key check catches a key set replaced after this entry was stored, and a tenant that put new
        // key material under an old kid: either way the token is validated again against what is published now.
        if (_schemes.TryGetValue(scheme, out var partition)
            && ReferenceEquals(partition.Owner, owner)
            && partition.Entries.TryGetValue(token, out Entry? entry)
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
    /// stores (no kid, no signing key, expired).
    /// </summary>
    public void Offer(string scheme, object owner, TokenValidationResult validated)
    {
        if (validated.SecurityToken is not JsonWebToken { SigningKey: { } signingKey, Kid: { Length: > 0 } kid } jwt
            || validated.ClaimsIdentity is not { } identity)
        {
            return;
        }

        // ValidTo is exp in UTC (DateTime.MinValue when absent, which the validation already refused).
        var expiresAt = new DateTimeOffset(DateTime.SpecifyKind(jwt.ValidTo, DateTimeKind.Utc));
        if (expiresAt > _time.GetUtcNow())
        {
            _offers.AddOrUpdate(jwt, new PendingEntry(scheme, owner, new Entry(jwt, kid, signingKey, Copy(identity), expiresAt)));
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
        var entries = PartitionFor(offer.Scheme, offer.Owner).Entries;
        var eviction = _evictionByKid.GetOrAdd(entry.Kid, static _ => new CancellationTokenSource());
        var key = entry.Token.EncodedToken;
        using (var cacheEntry = entries.CreateEntry(key))
        {
            cacheEntry.Value = entry;
            cacheEntry.Size = 1;
            cacheEntry.AbsoluteExpiration = entry.ExpiresAt;
            cacheEntry.AddExpirationToken(new CancellationChangeToken(eviction.Token));
        }

        // The key set may have dropped this kid while the token was being checked; Evict ran before the entry existed.
        if (_keys.Current is not { } current || !current.TryGetKey(entry.Kid, out _))
        {
            entries.Remove(key);
        }
    }

    public void Dispose()
    {
        _keys.KeysRemoved -= Evict;
        foreach (var partition in _schemes.Values)
        {
            partition.Entries.Dispose();
        }

        foreach (var eviction in _evictionByKid.Values)
        {
            eviction.Dispose();
        }
    }

    private void Evict(IReadOnlyCollection<string> removedKids)
    {
        foreach (var kid in removedKids)
        {
            // Cancelled, not disposed: an Add that took this source just before may still read its Token, and a
            // source with no timer holds nothing that needs releasing.
            if (_evictionByKid.TryRemove(kid, out var eviction))
            {
                eviction.Cancel();
            }
        }

        // Expired entries otherwise leave the cache only when looked up or at the next periodic scan.
        foreach (var partition in _schemes.Values)
        {
            partition.Entries.Compact(0);
        }
    }

    /// <summary>The scheme's partition for this owner; a partition made for an owner since replaced is dropped whole.</summary>
    private Partition PartitionFor(string scheme, object owner)
    {
        while (true)
        {
            if (!_schemes.TryGetValue(scheme, out var current))
            {
                var created = new Partition(owner, NewEntries());
                if (_schemes.TryAdd(scheme, created))
                {
                    return created;
                }

                created.Entries.Dispose();
                continue;
            }

            if (ReferenceEquals(current.Owner, owner))
            {
                return current;
            }

            var replacement = new Partition(owner, NewEntries());
            if (_schemes.TryUpdate(scheme, replacement, current))
            {
                // Emptied, not disposed: a request still on the old owner may be adding to it right now.
                current.Entries.Compact(1.0);
                return replacement;
            }

            replacement.Entries.Dispose();
        }
    }

    // MemoryCache reads its own clock, the system's, unless given one: given the app's, an entry expires at exp by
    // the same clock that Snapshot compares exp with.
    private MemoryCache NewEntries() => new(new MemoryCacheOptions { SizeLimit = _sizeLimit, Clock = new AppClock(_time) });

    private static ClaimsIdentity Copy(ClaimsIdentity identity) =>
        identity is CaseSensitiveClaimsIdentity ? new CaseSensitiveClaimsIdentity(identity) : identity.Clone();

    /// <summary>The app's <see cref="TimeProvider"/> as the clock <see cref="MemoryCache"/> takes.</summary>
    private sealed class AppClock(TimeProvider time) : Microsoft.Extensions.Internal.ISystemClock
    {
        public DateTimeOffset UtcNow => time.GetUtcNow();
    }

    /// <summary>One scheme's entries, and the token handler (one per options instance) that validated them.</summary>
    private sealed record Partition(object Owner, MemoryCache Entries);

    /// <summary>A validated token waiting for <c>OnTokenValidated</c>'s verdict.</summary>
    private sealed record PendingEntry(string Scheme, object Owner, Entry Entry);

    /// <summary>One validated token as stored: never handed out, only copies of its identity.</summary>
    private sealed record Entry(JsonWebToken Token, string Kid, SecurityKey SigningKey, ClaimsIdentity Identity, DateTimeOffset ExpiresAt);
}

using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using System.Security.Claims;
using AuthActionApi.Authentication.Keys;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthActionApi.Authentication.Caching;

/// <summary>
/// Tokens that passed every check, remembered the way Envoy's <c>jwt_authn</c> does, so a caller that sends
/// the same token again does not pay for parsing and an RSA signature check on every request. Only
/// <see cref="AuthActionJwtBearerEvents"/> reads and writes it. The rules:
/// <list type="bullet">
/// <item>Entries belong to one authentication scheme and to the options it validated them with: a token
/// validated for one scheme (its audience, its issuers) is never served to another, and when a scheme's options
/// are built anew (a configuration reload), its entries go with the old ones. The key within a scheme is the
/// whole token string.</item>
/// <item>Only successes are stored, after <c>OnTokenValidated</c> accepted them; a refused token is checked afresh
/// every time it is sent. <c>OnTokenValidated</c> still runs on every cache hit.</item>
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
        var meter = meterFactory.Create("AuthActionApi.TokenCache");
        meter.CreateObservableCounter("authaction.token_cache.hits", () => Interlocked.Read(ref _hits), description: "Requests whose token was found validated in the cache.");
        meter.CreateObservableCounter("authaction.token_cache.misses", () => Interlocked.Read(ref _misses), description: "Requests whose token was looked up and not found, so it was validated in full.");
        meter.CreateObservableUpDownCounter("authaction.token_cache.entries", () => (long)Count, description: "Validated tokens held.");
    }

    /// <summary>Whether the cache is used at all (<see cref="TokenCacheOptions.Enabled"/>).</summary>
    public bool Enabled { get; }

    /// <summary>Entries held, over every scheme.</summary>
    public int Count => _schemes.Values.Sum(partition => partition.Entries.Count);

    /// <summary>
    /// A token validated before for <paramref name="scheme"/> with these <paramref name="options"/>, with a new copy
    /// of its identity and of its authentication properties, so nothing one request does to its principal reaches
    /// another. Looked up by the characters themselves: a token read straight out of a request header is never
    /// copied into a string of its own.
    /// </summary>
    public bool TryGet(string scheme, JwtBearerOptions options, ReadOnlySpan<char> token, [NotNullWhen(true)] out CachedToken? hit)
    {
        // The key check catches a key set replaced after this entry was stored, and a tenant that put new
        // key material under an old kid: either way the token is validated again against what is published now.
        if (_schemes.TryGetValue(scheme, out var partition)
            && ReferenceEquals(partition.Options, options)
            && partition.Entries.TryGetValue(token, out Entry? entry)
            && entry is not null
            && _keys.Current is { } keySet
            && keySet.TryGetKey(entry.Kid, out var key)
            && ReferenceEquals(key, entry.SigningKey))
        {
            Interlocked.Increment(ref _hits);
            hit = new CachedToken(entry.Token, Copy(entry.Identity), entry.Properties.Clone());
            return true;
        }

        Interlocked.Increment(ref _misses);
        hit = null;
        return false;
    }

    /// <summary>
    /// What JwtBearer's full validation produced, copied before <c>OnTokenValidated</c> may add to the request's
    /// principal; <see langword="null"/> for anything this cache never stores (no kid, no signing key, expired).
    /// </summary>
    public Entry? Snapshot(TokenValidatedContext context)
    {
        if (context.SecurityToken is not JsonWebToken { SigningKey: { } signingKey, Kid: { Length: > 0 } kid } jwt
            || context.Principal?.Identity is not ClaimsIdentity identity)
        {
            return null;
        }

        // ValidTo is exp in UTC (DateTime.MinValue when absent, which the validation already refused).
        var expiresAt = new DateTimeOffset(DateTime.SpecifyKind(jwt.ValidTo, DateTimeKind.Utc));
        if (expiresAt <= _time.GetUtcNow())
        {
            return null;
        }

        // Properties as JwtBearer sets them after a full validation, formatted once here rather than on every hit.
        var properties = new AuthenticationProperties { ExpiresUtc = expiresAt, IssuedUtc = SafeDateTime(jwt.ValidFrom) };
        return new Entry(jwt, kid, signingKey, Copy(identity), properties, expiresAt);
    }

    /// <summary>Stores an accepted token's <see cref="Snapshot"/> for <paramref name="scheme"/> and its <paramref name="options"/> until its <c>exp</c>.</summary>
    public void Add(string scheme, JwtBearerOptions options, Entry entry)
    {
        var entries = PartitionFor(scheme, options).Entries;
        var eviction = _evictionByKid.GetOrAdd(entry.Kid, static _ => new CancellationTokenSource());
        var token = entry.Token.EncodedToken;
        using (var cacheEntry = entries.CreateEntry(token))
        {
            cacheEntry.Value = entry;
            cacheEntry.Size = 1;
            cacheEntry.AbsoluteExpiration = entry.ExpiresAt;
            cacheEntry.AddExpirationToken(new CancellationChangeToken(eviction.Token));
        }

        // The key set may have dropped this kid while the token was being checked; Evict ran before the entry existed.
        if (_keys.Current is not { } current || !current.TryGetKey(entry.Kid, out _))
        {
            entries.Remove(token);
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

    /// <summary>The scheme's partition for these options; a partition made for options since replaced is dropped whole.</summary>
    private Partition PartitionFor(string scheme, JwtBearerOptions options)
    {
        while (true)
        {
            if (!_schemes.TryGetValue(scheme, out var current))
            {
                var created = new Partition(options, NewEntries());
                if (_schemes.TryAdd(scheme, created))
                {
                    return created;
                }

                created.Entries.Dispose();
                continue;
            }

            if (ReferenceEquals(current.Options, options))
            {
                return current;
            }

            var replacement = new Partition(options, NewEntries());
            if (_schemes.TryUpdate(scheme, replacement, current))
            {
                // Emptied, not disposed: a request still on the old options may be adding to it right now.
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

    /// <summary>JwtBearer's reading of a JWT date: DateTime.MinValue means the claim is absent.</summary>
    private static DateTimeOffset? SafeDateTime(DateTime value) =>
        value == DateTime.MinValue ? null : new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    /// <summary>The app's <see cref="TimeProvider"/> as the clock <see cref="MemoryCache"/> takes.</summary>
    private sealed class AppClock(TimeProvider time) : Microsoft.Extensions.Internal.ISystemClock
    {
        public DateTimeOffset UtcNow => time.GetUtcNow();
    }

    /// <summary>One scheme's entries, and the options instance they were validated with.</summary>
    private sealed record Partition(JwtBearerOptions Options, MemoryCache Entries);

    /// <summary>A cache hit: the parsed token, and an identity and properties of the caller's own.</summary>
    public sealed record CachedToken(JsonWebToken Token, ClaimsIdentity Identity, AuthenticationProperties Properties);

    /// <summary>One validated token as stored: never handed out, only copies of its identity and properties.</summary>
    public sealed record Entry(JsonWebToken Token, string Kid, SecurityKey SigningKey, ClaimsIdentity Identity, AuthenticationProperties Properties, DateTimeOffset ExpiresAt);
}

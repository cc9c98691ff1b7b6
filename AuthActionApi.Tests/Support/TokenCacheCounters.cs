using AuthActionApi.Authentication.Caching;
using Microsoft.Extensions.DependencyInjection;

namespace AuthActionApi.Tests.Support;

/// <summary>The token cache as an operator watches it: its public meter, <see cref="ValidatedTokenCache.MeterName"/>.</summary>
public sealed class TokenCacheCounters
{
    private readonly IServiceProvider _services;

    public TokenCacheCounters(IServiceProvider services)
    {
        // The cache publishes its instruments once it exists, which is when a scheme's options are first built: made
        // now, so a count read before the first request is a zero and not a missing instrument.
        _ = services.GetRequiredService<ValidatedTokenCache>();
        _services = services;
    }

    public long Hits => Meters.ReadObservable(_services, ValidatedTokenCache.MeterName, "authaction.token_cache.hits");

    public long Misses => Meters.ReadObservable(_services, ValidatedTokenCache.MeterName, "authaction.token_cache.misses");

    public long Entries => Meters.ReadObservable(_services, ValidatedTokenCache.MeterName, "authaction.token_cache.entries");

    public long Bytes => Meters.ReadObservable(_services, ValidatedTokenCache.MeterName, "authaction.token_cache.size");
}

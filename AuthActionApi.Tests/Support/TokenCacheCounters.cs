namespace AuthActionApi.Tests.Support;

/// <summary>The token cache as an operator watches it: its public meter <c>AuthActionApi.TokenCache</c>.</summary>
public sealed class TokenCacheCounters(IServiceProvider services)
{
    private const string Meter = "AuthActionApi.TokenCache";

    public long Hits => Meters.ReadObservable(services, Meter, "authaction.token_cache.hits");

    public long Misses => Meters.ReadObservable(services, Meter, "authaction.token_cache.misses");

    public long Entries => Meters.ReadObservable(services, Meter, "authaction.token_cache.entries");
}

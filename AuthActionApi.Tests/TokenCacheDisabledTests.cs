using System.Net;
using AuthActionApi.Tests.Support;

namespace AuthActionApi.Tests;

/// <summary>The cache of validated tokens switched off by configuration: every request is validated in full.</summary>
public sealed class TokenCacheDisabledTests : ApiFixture
{
    protected override IReadOnlyDictionary<string, string?>? Settings => new Dictionary<string, string?> { ["AuthAction:TokenCache:Enabled"] = "false" };

    [Test]
    public async Task GetProtected_SameTokenTwiceWithCacheDisabled_NeitherIsCached()
    {
        var cache = new TokenCacheCounters(Api.Services);
        var token = Tenant.Token().Build();

        var first = await Client.GetWithTokenAsync("/protected", token);
        var second = await Client.GetWithTokenAsync("/protected", token);

        first.StatusCode.Should().Be(HttpStatusCode.OK);
        second.StatusCode.Should().Be(HttpStatusCode.OK);
        (cache.Entries, cache.Hits, cache.Misses).Should().Be((0L, 0L, 0L));
    }
}

using System.Net;
using AuthActionApi.Authentication;
using AuthActionApi.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace AuthActionApi.Tests;

/// <summary>The cache of validated tokens switched off by configuration: every request is validated in full.</summary>
public sealed class TokenCacheDisabledTests
{
    private TestTenant _tenant = null!;
    private ApiFactory _api = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _tenant = await TestTenant.StartAsync();
        _api = new ApiFactory(_tenant, new Dictionary<string, string?> { ["AuthAction:TokenCache:Enabled"] = "false" });
        _client = _api.CreateClient();
        await _api.WaitForKeysAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _client.Dispose();
        await _api.DisposeAsync();
        await _tenant.DisposeAsync();
    }

    [Test]
    public async Task GetProtected_SameTokenTwiceWithCacheDisabled_NeitherIsCached()
    {
        var cache = _api.Services.GetRequiredService<ValidatedTokenCache>();
        var token = _tenant.Token().Build();

        var first = await _client.GetWithTokenAsync("/protected", token);
        var second = await _client.GetWithTokenAsync("/protected", token);

        first.StatusCode.Should().Be(HttpStatusCode.OK);
        second.StatusCode.Should().Be(HttpStatusCode.OK);
        (cache.Count, cache.Hits, cache.Misses).Should().Be((0, 0L, 0L));
    }
}

using System.Net;
using AuthActionApi.Authentication;
using AuthActionApi.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace AuthActionApi.Tests;

/// <summary>The cache of validated tokens held to a size of two: it stays bounded and never refuses for lack of room.</summary>
public sealed class TokenCacheLimitsTests
{
    private TestTenant _tenant = null!;
    private ApiFactory _api = null!;
    private HttpClient _client = null!;

    /// <summary>The app's own cache, owned (and disposed) by its service provider.</summary>
    private ValidatedTokenCache Cache => _api.Services.GetRequiredService<ValidatedTokenCache>();

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _tenant = await TestTenant.StartAsync();
        _api = new ApiFactory(_tenant, new Dictionary<string, string?> { ["AuthAction:TokenCache:SizeLimit"] = "2" });
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
    public async Task GetProtected_MoreTokensThanTheSizeLimit_AllAcceptedAndCacheStaysWithinLimit()
    {
        var tokens = Enumerable.Range(0, 6).Select(i => _tenant.Token().Claim("jti", $"limit-{i}-{Guid.NewGuid():N}").Build()).ToList();
        var hitsBefore = Cache.Hits;

        var statuses = new List<HttpStatusCode>();
        foreach (var token in tokens)
        {
            statuses.Add((await _client.GetWithTokenAsync("/protected", token)).StatusCode);
            statuses.Add((await _client.GetWithTokenAsync("/protected", token)).StatusCode);
        }

        statuses.Should().AllSatisfy(status => status.Should().Be(HttpStatusCode.OK));
        (Cache.Hits - hitsBefore).Should().BePositive("the cache must hold something for the limit to mean anything");
        Cache.Count.Should().BeLessThanOrEqualTo(2);
    }

    [TestCase("0")]
    [TestCase("1000001")]
    public async Task Start_SizeLimitOutOfRange_FailsNamingTheSetting(string sizeLimit)
    {
        await using var api = new ApiFactory(_tenant, new Dictionary<string, string?> { ["AuthAction:TokenCache:SizeLimit"] = sizeLimit });

        api.StartupFailures().Should().ContainSingle().Which.Should()
            .StartWith("AuthAction:TokenCache:SizeLimit must be between 1 and 1000000").And.Contain("AuthAction__TokenCache__SizeLimit");
    }
}

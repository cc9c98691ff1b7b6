using System.Net;
using AuthActionApi.Tests.Support;

namespace AuthActionApi.Tests;

/// <summary>The cache of validated tokens held to a size of two: it stays bounded and never refuses for lack of room.</summary>
public sealed class TokenCacheLimitsTests : ApiFixture
{
    protected override IReadOnlyDictionary<string, string?>? Settings => new Dictionary<string, string?> { ["AuthAction:TokenCache:SizeLimit"] = "2" };

    /// <summary>The app's own cache, read through its public meter.</summary>
    private TokenCacheCounters Cache => new(Api.Services);

    [Test]
    public async Task GetProtected_MoreTokensThanTheSizeLimit_AllAcceptedAndCacheStaysWithinLimit()
    {
        var tokens = Enumerable.Range(0, 6).Select(i => Tenant.Token().Claim("jti", $"limit-{i}-{Guid.NewGuid():N}").Build()).ToList();
        var hitsBefore = Cache.Hits;

        var statuses = new List<HttpStatusCode>();
        foreach (var token in tokens)
        {
            statuses.Add((await Client.GetWithTokenAsync("/protected", token)).StatusCode);
            statuses.Add((await Client.GetWithTokenAsync("/protected", token)).StatusCode);
        }

        statuses.Should().AllSatisfy(status => status.Should().Be(HttpStatusCode.OK));
        (Cache.Hits - hitsBefore).Should().BePositive("the cache must hold something for the limit to mean anything");
        Cache.Entries.Should().BeLessThanOrEqualTo(2);
    }

    [TestCase("0")]
    [TestCase("1000001")]
    public async Task Start_SizeLimitOutOfRange_FailsNamingTheSetting(string sizeLimit)
    {
        await using var api = new ApiFactory(Tenant, new Dictionary<string, string?> { ["AuthAction:TokenCache:SizeLimit"] = sizeLimit });

        api.StartupFailures().Should().ContainSingle().Which.Should()
            .StartWith("AuthAction:TokenCache:SizeLimit must be between 1 and 1000000").And.Contain("AuthAction__TokenCache__SizeLimit");
    }
}

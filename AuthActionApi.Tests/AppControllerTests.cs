using System.Net;
using AuthActionApi.Tests.Support;

namespace AuthActionApi.Tests;

/// <summary>
/// The API as a client sees it, called through the real HTTP pipeline with tokens a real tenant signed: start here.
/// <c>/protected/scoped</c> has <see cref="ScopedEndpointTests"/>, each kind of refusal <see cref="ForgedTokenTests"/>.
/// </summary>
public sealed class AppControllerTests : ApiFixture
{
    [Test]
    public async Task GetPublic_WithoutToken_ReturnsPublicMessage()
    {
        var response = await Client.GetAsync("/public");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        (await response.Content.ReadAsStringAsync()).Should().Be("""{"message":"This is a public message!"}""");
    }

    [Test]
    public async Task GetPublic_WithInvalidToken_StillReturnsPublicMessage()
    {
        var response = await Client.GetWithTokenAsync("/public", "not-a-token");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("""{"message":"This is a public message!"}""");
    }

    [Test]
    public async Task GetProtected_WithoutToken_Returns401WithPlainBearerChallenge()
    {
        var response = await Client.GetAsync("/protected");

        await response.ShouldAskForATokenAsync();
    }

    [Test]
    public async Task GetProtected_WithValidToken_ReturnsProtectedMessage()
    {
        var response = await Client.GetWithTokenAsync("/protected", Tenant.Token().Build());

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("""{"message":"This is a protected message!"}""");
    }

    [Test]
    public async Task GetProtected_WithValidToken_AnswersCacheControlNoStore()
    {
        var response = await Client.GetWithTokenAsync("/protected", Tenant.Token().Build());

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.CacheControl.Should().NotBeNull().And.Subject.ToString().Should().Be("no-store");
    }

    [Test]
    public async Task GetPublic_WithoutToken_LeavesCachingAlone()
    {
        var response = await Client.GetAsync("/public");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.CacheControl.Should().BeNull();
    }

    [Test]
    public async Task GetProtected_WithWrongAudience_Returns401InvalidAudience()
    {
        var response = await Client.GetWithTokenAsync("/protected", Tenant.Token().Audience("https://another.api").Build());

        await response.ShouldBeRefusedAsync(Refusal.InvalidAudience);
    }
}

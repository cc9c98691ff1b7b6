using System.Net;
using System.Text.Json.Nodes;
using AuthActionApi.Tests.Support;

namespace AuthActionApi.Tests;

/// <summary>
/// Only access tokens are accepted (RFC 8725 §3.11, RFC 9068 §4): the tenant signs ID tokens and logout tokens with
/// the same key, and their audience may match. Every token here is signed by the tenant's real key, so only its
/// type decides.
/// </summary>
public sealed class TokenTypeTests : ApiFixture
{
    [TestCase("JWT")]
    [TestCase("jwt")]
    [TestCase("application/jwt")]
    [TestCase("at+jwt")]
    [TestCase("AT+JWT")]
    [TestCase("application/at+jwt")]
    [TestCase(null)]
    public async Task GetProtected_AccessTokenType_ReturnsProtectedMessage(string? typ)
    {
        var builder = Tenant.Token().Unique();
        var token = (typ is null ? builder.WithoutHeader("typ") : builder.Header("typ", typ)).Build();

        var response = await Client.GetWithTokenAsync("/protected", token);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("""{"message":"This is a protected message!"}""");
    }

    [TestCase("id_token")]
    [TestCase("logout+jwt")]
    [TestCase("secevent+jwt")]
    [TestCase("application/id_token+jwt")]
    [TestCase("at+jwt+extra")]
    [TestCase("")]
    public async Task GetProtected_OtherTokenType_Returns401NotAnAccessToken(string typ)
    {
        var token = Tenant.Token().Unique().Header("typ", typ).Build();

        var response = await Client.GetWithTokenAsync("/protected", token);

        await response.ShouldBeRefusedAsync(Refusal.NotAnAccessToken);
    }

    [TestCase("nonce", "n-0S6_WzA2Mj")]
    [TestCase("at_hash", "77QmUPtjPfzWtF2AnpK9RQ")]
    [TestCase("c_hash", "LDktKdoQak3Pk0cnXxCltA")]
    public async Task GetProtected_IdTokenClaim_Returns401NotAnAccessToken(string claim, string value)
    {
        var token = Tenant.Token().Unique().Claim(claim, value).Build();

        var response = await Client.GetWithTokenAsync("/protected", token);

        await response.ShouldBeRefusedAsync(Refusal.NotAnAccessToken);
    }

    [Test]
    public async Task GetProtected_IdTokenClaimBeforeOtherClaims_Returns401NotAnAccessToken()
    {
        // The claim is remembered wherever it stands, not only when it is the payload's last member.
        var token = Tenant.Token().Claim("nonce", "n-0S6_WzA2Mj").Unique().Claim("azp", "test-client").Build();

        var response = await Client.GetWithTokenAsync("/protected", token);

        await response.ShouldBeRefusedAsync(Refusal.NotAnAccessToken);
    }

    [Test]
    public async Task GetProtected_IdTokenClaimNameNestedInAnotherClaim_ReturnsProtectedMessage()
    {
        var token = Tenant.Token().Unique().Claim("meta", new JsonObject { ["nonce"] = "not ours to judge" }).Build();

        var response = await Client.GetWithTokenAsync("/protected", token);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AuthActionApi.Authentication;
using AuthActionApi.Tests.Support;
using Microsoft.IdentityModel.JsonWebTokens;
using Serilog.Events;

namespace AuthActionApi.Tests;

/// <summary>The built-in local tenant: a fresh clone gets tokens and calls /protected with no AuthAction account.</summary>
public sealed class LocalTenantTests : ApiFixture
{
    protected override bool UsesLocalTenant => true;

    [Test]
    public async Task TokenEndpoint_JsonBody_AnswersInAuthActionShape()
    {
        var response = await Client.PostAsJsonAsync("/oauth2/m2m/token", LocalTenantApi.ReaderTokenRequest);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo("access_token", "token_type", "expires_in", "scope");
        body.GetProperty("token_type").GetString().Should().Be("Bearer");
        body.GetProperty("expires_in").GetInt32().Should().Be(3600);
        body.GetProperty("scope").GetString().Should().Be("read:messages");
    }

    [Test]
    public async Task TokenEndpoint_IssuedToken_HasAuthActionClaimLayout()
    {
        var token = new JsonWebToken(await GetTokenAsync());

        token.Alg.Should().Be("RS256");
        token.Kid.Should().NotBeNullOrEmpty();
        token.Issuer.Should().Be(Host.Address.AbsoluteUri);
        token.Audiences.Should().Equal(LocalTenantApi.Audience);
        token.Subject.Should().Be("local-reader@clients");
        token.GetPayloadValue<string>("scope").Should().Be("read:messages");
        (token.ValidTo - token.IssuedAt).Should().Be(TimeSpan.FromHours(1));
    }

    [Test]
    public async Task Protected_WithLocalTenantToken_Returns200()
    {
        var token = await GetTokenAsync();

        var response = await Client.GetWithTokenAsync("/protected", token);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("""{"message":"This is a protected message!"}""");
    }

    [Test]
    public void KeysFetch_AtStartup_WentOverHttpToTheLocalTenantsJwks()
    {
        var fetched = Host.Logs.WithEventId(AuthenticationEventIds.KeysFetched);

        fetched.Should().NotBeEmpty();
        fetched.First().Properties["JwksUri"].ToString().Should().Contain($"{Host.Address}.well-known/jwks.json");
    }

    [Test]
    public async Task TokenEndpoint_FormBodyOnOlderPath_IssuesUsableToken()
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = "local-basic",
            ["client_secret"] = "local-basic-secret",
            ["audience"] = LocalTenantApi.Audience,
            ["grant_type"] = "client_credentials",
        });

        var response = await Client.PostAsync("/oauth/token", form);
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString();

        (await Client.GetWithTokenAsync("/protected", token)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task TokenEndpoint_WrongSecret_Returns401InvalidClient()
    {
        var response = await Client.PostAsJsonAsync("/oauth2/m2m/token", LocalTenantApi.ReaderTokenRequest with { client_secret = "wrong" });

        await response.ShouldBeOAuthErrorAsync(HttpStatusCode.Unauthorized, "invalid_client", "Unknown client or wrong client secret.");
        response.WwwAuthenticate().Should().BeNull("the client did not use HTTP Basic, so no Basic challenge (RFC 6749 §5.2)");
    }

    [Test]
    public async Task TokenEndpoint_OtherGrantType_Returns400UnsupportedGrantType()
    {
        var response = await Client.PostAsJsonAsync("/oauth2/m2m/token", LocalTenantApi.ReaderTokenRequest with { grant_type = "password" });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString().Should().Be("unsupported_grant_type");
    }

    [Test]
    public async Task TokenEndpoint_OtherAudience_Returns400InvalidTarget()
    {
        var response = await Client.PostAsJsonAsync("/oauth2/m2m/token", LocalTenantApi.ReaderTokenRequest with { audience = "https://another.api" });

        // RFC 8707's answer for a target the server does not know, whether named as resource or as AuthAction's audience.
        await response.ShouldBeOAuthErrorAsync(HttpStatusCode.BadRequest, "invalid_target", "The audience or resource is not an API of this tenant.");
    }

    [Test]
    public void Startup_WithLocalTenant_LogsWhereItIsAndACurlForAToken()
    {
        var announcement = Host.Logs.Events.Should().ContainSingle(e => e.Properties.ContainsKey("Curl")).Subject;

        announcement.Level.Should().Be(LogEventLevel.Warning);
        var curl = (string)((ScalarValue)announcement.Properties["Curl"]).Value!;
        curl.Should().StartWith($"curl -s -X POST {Host.Address}oauth2/m2m/token")
            .And.Contain("\"client_id\":\"local-reader\"").And.Contain(LocalTenantApi.Audience);
    }

    [Test]
    public void Startup_WithLocalTenant_WarningSaysItServesLoopbackOnly()
    {
        var announcement = Host.Logs.Events.Should().ContainSingle(e => e.Properties.ContainsKey("Curl")).Subject;

        announcement.MessageTemplate.Text.Should().Contain("to this machine only")
            .And.Contain("refuses to start in this mode on an address beyond loopback");
    }

    private Task<string> GetTokenAsync() => Host.GetTokenAsync();
}

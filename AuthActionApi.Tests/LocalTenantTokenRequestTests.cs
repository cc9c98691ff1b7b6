using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AuthActionApi.Tests.Support;
using Microsoft.IdentityModel.JsonWebTokens;
using static AuthActionApi.Tests.Support.OAuthRequests;

namespace AuthActionApi.Tests;

/// <summary>
/// The local tenant's token endpoint as an RFC 6749 client meets it, over a real loopback port: HTTP Basic decoded
/// as §2.3.1 encodes it, one way of authenticating per request, the scope it asks for, RFC 8707's <c>resource</c>,
/// and answers that no cache may keep.
/// </summary>
public sealed class LocalTenantTokenRequestTests : ApiFixture
{
    protected override bool UsesLocalTenant => true;

    private const string InvalidClient = "Unknown client or wrong client secret.";

    [Test]
    public async Task Token_BasicWithFormEncodedSecretHoldingSpaceAndPlus_IssuesTokenToThatClient()
    {
        // Arrange
        var basic = Basic(LocalTenantApi.WriterClientId, LocalTenantApi.WriterClientSecret);

        // Act
        var response = await Client.PostTokenFormAsync(Grant(), basic);

        // Assert
        new JsonWebToken(await response.AccessTokenAsync()).Subject.Should().Be("local-writer@clients");
    }

    [Test]
    public async Task Token_BasicWithoutFormEncodingOfAPlus_Returns401InvalidClientWithBasicChallenge()
    {
        // Arrange: RFC 6749 §2.3.1 reads the raw '+' as an encoded space, so this is another secret.
        var basic = BasicUnencoded(LocalTenantApi.WriterClientId, LocalTenantApi.WriterClientSecret);

        // Act
        var response = await Client.PostTokenFormAsync(Grant(), basic);

        // Assert
        await response.ShouldBeOAuthErrorAsync(HttpStatusCode.Unauthorized, "invalid_client", InvalidClient);
        response.WwwAuthenticate().Should().Be("Basic realm=\"local-tenant\", charset=\"UTF-8\"");
    }

    [Test]
    public async Task Token_WrongSecretInBasic_Returns401InvalidClientWithBasicChallenge()
    {
        // Arrange
        var basic = Basic(LocalTenantApi.ReaderClientId, "wrong");

        // Act
        var response = await Client.PostTokenFormAsync(Grant(), basic);

        // Assert
        await response.ShouldBeOAuthErrorAsync(HttpStatusCode.Unauthorized, "invalid_client", InvalidClient);
        response.WwwAuthenticate().Should().Be("Basic realm=\"local-tenant\", charset=\"UTF-8\"");
    }

    [Test]
    public async Task Token_BasicThatIsNotBase64_Returns401InvalidClientWithBasicChallenge()
    {
        // Arrange
        using var request = new HttpRequestMessage(HttpMethod.Post, TokenPath) { Content = new FormUrlEncodedContent(Grant()) };
        request.Headers.TryAddWithoutValidation("Authorization", "Basic not*base64");

        // Act
        var response = await Client.SendAsync(request);

        // Assert
        await response.ShouldBeOAuthErrorAsync(
            HttpStatusCode.Unauthorized, "invalid_client", "The HTTP Basic credentials are not Base64 of client_id:client_secret.");
        response.WwwAuthenticate().Should().Be("Basic realm=\"local-tenant\", charset=\"UTF-8\"");
    }

    [Test]
    public async Task Token_BasicAndClientSecretInBody_Returns400InvalidRequest()
    {
        // Arrange: RFC 6749 §2.3 allows one authentication method per request.
        var basic = Basic(LocalTenantApi.ReaderClientId, LocalTenantApi.ReaderClientSecret);
        var form = Grant(("client_id", LocalTenantApi.ReaderClientId), ("client_secret", LocalTenantApi.ReaderClientSecret));

        // Act
        var response = await Client.PostTokenFormAsync(form, basic);

        // Assert
        await response.ShouldBeOAuthErrorAsync(
            HttpStatusCode.BadRequest, "invalid_request", "Authenticate the client once: with HTTP Basic or with client_secret in the body, not both.");
    }

    [Test]
    public async Task Token_BasicAndAnotherClientIdInBody_Returns400InvalidRequest()
    {
        // Arrange
        var basic = Basic(LocalTenantApi.ReaderClientId, LocalTenantApi.ReaderClientSecret);
        var form = Grant(("client_id", LocalTenantApi.WriterClientId));

        // Act
        var response = await Client.PostTokenFormAsync(form, basic);

        // Assert
        await response.ShouldBeOAuthErrorAsync(
            HttpStatusCode.BadRequest, "invalid_request", "The client_id in the body is not the client of the HTTP Basic credentials.");
    }

    [Test]
    public async Task Token_ParameterSentTwice_Returns400InvalidRequest()
    {
        // Arrange: RFC 6749 §3.2, parameters other than RFC 8707's resource appear once.
        var form = Grant(("client_id", LocalTenantApi.ReaderClientId), ("client_secret", LocalTenantApi.ReaderClientSecret), ("scope", "read:messages"), ("scope", "read:messages"));

        // Act
        var response = await Client.PostTokenFormAsync(form);

        // Assert
        await response.ShouldBeOAuthErrorAsync(HttpStatusCode.BadRequest, "invalid_request", "Send each parameter once; only resource may repeat.");
    }

    [Test]
    public async Task Token_NoGrantType_Returns400InvalidRequest()
    {
        // Arrange
        KeyValuePair<string, string>[] form = [new("client_id", LocalTenantApi.ReaderClientId), new("client_secret", LocalTenantApi.ReaderClientSecret)];

        // Act
        var response = await Client.PostTokenFormAsync(form);

        // Assert
        await response.ShouldBeOAuthErrorAsync(HttpStatusCode.BadRequest, "invalid_request", "grant_type is missing: send grant_type=client_credentials.");
    }

    [Test]
    public async Task Token_NoScopeRequested_GrantsEveryScopeOfTheClientAndSaysWhich()
    {
        // Arrange
        var form = Grant(("client_id", LocalTenantApi.WriterClientId), ("client_secret", LocalTenantApi.WriterClientSecret));

        // Act
        var response = await Client.PostTokenFormAsync(form);

        // Assert
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.TryGetProperty("scope", out var scope).Should().BeTrue("RFC 6749 §5.1: the answer names the scope it granted");
        scope.GetString().Should().Be(LocalTenantApi.WriterScopes);
        new JsonWebToken(body.GetProperty("access_token").GetString()).GetPayloadValue<string>("scope").Should().Be(LocalTenantApi.WriterScopes);
    }

    [Test]
    public async Task Token_ScopeSubsetRequested_GrantsOnlyThatSubset()
    {
        // Arrange
        var form = Grant(("client_id", LocalTenantApi.WriterClientId), ("client_secret", LocalTenantApi.WriterClientSecret), ("scope", "write:messages"));

        // Act
        var response = await Client.PostTokenFormAsync(form);

        // Assert
        var token = new JsonWebToken(await response.AccessTokenAsync());
        token.GetPayloadValue<string>("scope").Should().Be("write:messages");
    }

    [Test]
    public async Task Token_ScopeInAuthActionJsonBody_GrantsOnlyThatScope()
    {
        // Arrange
        var request = new
        {
            client_id = LocalTenantApi.WriterClientId,
            client_secret = LocalTenantApi.WriterClientSecret,
            audience = LocalTenantApi.Audience,
            grant_type = "client_credentials",
            scope = "read:messages",
        };

        // Act
        var response = await Client.PostAsJsonAsync(TokenPath, request);

        // Assert
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("scope").GetString().Should().Be("read:messages");
        new JsonWebToken(body.GetProperty("access_token").GetString()).GetPayloadValue<string>("scope").Should().Be("read:messages");
    }

    [Test]
    public async Task Token_ScopeNotGrantedToTheClient_Returns400InvalidScope()
    {
        // Arrange
        var basic = Basic(LocalTenantApi.ReaderClientId, LocalTenantApi.ReaderClientSecret);

        // Act
        var response = await Client.PostTokenFormAsync(Grant(("scope", "read:messages write:messages")), basic);

        // Assert
        await response.ShouldBeOAuthErrorAsync(HttpStatusCode.BadRequest, "invalid_scope", "The requested scope is not granted to this client.");
    }

    [Test]
    public async Task Token_ResourceNamingAnotherApi_Returns400InvalidTarget()
    {
        // Arrange
        var basic = Basic(LocalTenantApi.ReaderClientId, LocalTenantApi.ReaderClientSecret);

        // Act
        var response = await Client.PostTokenFormAsync(Grant(("resource", "https://another.api")), basic);

        // Assert
        await response.ShouldBeOAuthErrorAsync(HttpStatusCode.BadRequest, "invalid_target", "The audience or resource is not an API of this tenant.");
    }

    [Test]
    public async Task Token_AudienceAndResourceDiffer_Returns400InvalidTarget()
    {
        // Arrange
        var basic = Basic(LocalTenantApi.ReaderClientId, LocalTenantApi.ReaderClientSecret);
        var form = Grant(("audience", LocalTenantApi.Audience), ("resource", "https://another.api"));

        // Act
        var response = await Client.PostTokenFormAsync(form, basic);

        // Assert
        await response.ShouldBeOAuthErrorAsync(HttpStatusCode.BadRequest, "invalid_target", "The audience or resource is not an API of this tenant.");
    }

    [Test]
    public async Task Token_ResourceNamingThisApi_IssuesTokenForThisApi()
    {
        // Arrange: the counterpart of the refusals above, so they cannot pass by refusing every resource.
        var basic = Basic(LocalTenantApi.ReaderClientId, LocalTenantApi.ReaderClientSecret);

        // Act
        var response = await Client.PostTokenFormAsync(Grant(("resource", LocalTenantApi.Audience)), basic);

        // Assert
        new JsonWebToken(await response.AccessTokenAsync()).Audiences.Should().Equal(LocalTenantApi.Audience);
    }

    [Test]
    public async Task Token_Issued_IsMarkedNoStore()
    {
        // Arrange
        var basic = Basic(LocalTenantApi.ReaderClientId, LocalTenantApi.ReaderClientSecret);

        // Act
        var response = await Client.PostTokenFormAsync(Grant(), basic);

        // Assert
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.CacheControl?.NoStore.Should().BeTrue();
        response.Headers.Pragma.Should().ContainSingle().Which.Name.Should().Be("no-cache");
    }

    [Test]
    public async Task Token_Refused_IsMarkedNoStore()
    {
        // Arrange
        var form = Grant(("client_id", LocalTenantApi.ReaderClientId), ("client_secret", "wrong"));

        // Act
        var response = await Client.PostTokenFormAsync(form);

        // Assert
        await response.ShouldBeOAuthErrorAsync(HttpStatusCode.Unauthorized, "invalid_client", InvalidClient);
        response.Headers.CacheControl?.NoStore.Should().BeTrue();
        response.Headers.Pragma.Should().ContainSingle().Which.Name.Should().Be("no-cache");
    }

    private static KeyValuePair<string, string>[] Grant(params (string Name, string Value)[] parameters) =>
        [new("grant_type", "client_credentials"), .. parameters.Select(p => KeyValuePair.Create(p.Name, p.Value))];
}

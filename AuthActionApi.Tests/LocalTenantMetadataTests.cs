using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AuthActionApi.Tests.Support;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AuthActionApi.Tests;

/// <summary>
/// The local tenant describes itself as OpenID Connect Discovery and RFC 8414 say, so a client library pointed at
/// its address finds the token endpoint, how to authenticate there and what it may ask for.
/// </summary>
public sealed class LocalTenantMetadataTests : ApiFixture
{
    protected override bool UsesLocalTenant => true;

    private const string OpenIdConfiguration = "/.well-known/openid-configuration";
    private const string OAuthAuthorizationServer = "/.well-known/oauth-authorization-server";

    [Test]
    public async Task OpenIdConfiguration_Get_HasEveryMemberOpenIdDiscoveryRequires()
    {
        // Act
        var metadata = await Client.GetFromJsonAsync<JsonElement>(OpenIdConfiguration);

        // Assert: OpenID Connect Discovery 1.0 §3's REQUIRED members an OP without an authorization endpoint can have.
        metadata.GetProperty("issuer").GetString().Should().Be(Host.Address.AbsoluteUri);
        metadata.GetProperty("jwks_uri").GetString().Should().Be($"{Host.Address}.well-known/jwks.json");
        Strings(metadata, "response_types_supported").Should().BeEmpty("it has no authorization endpoint, so no response type");
        Strings(metadata, "subject_types_supported").Should().Equal("public");
        Strings(metadata, "id_token_signing_alg_values_supported").Should().Equal("RS256");
    }

    [TestCase(OpenIdConfiguration)]
    [TestCase(OAuthAuthorizationServer)]
    public async Task Metadata_Get_AdvertisesClientCredentialsWithBasicOrPostAndTheClientsScopes(string path)
    {
        // Act
        var metadata = await Client.GetFromJsonAsync<JsonElement>(path);

        // Assert
        metadata.GetProperty("token_endpoint").GetString().Should().Be($"{Host.Address}oauth2/m2m/token");
        Strings(metadata, "grant_types_supported").Should().Equal("client_credentials");
        Strings(metadata, "token_endpoint_auth_methods_supported").Should().Equal("client_secret_basic", "client_secret_post");
        Strings(metadata, "scopes_supported").Should().Equal("read:messages", "write:messages");
    }

    [Test]
    public async Task OAuthAuthorizationServer_Get_ServesTheOpenIdConfigurationsMetadata()
    {
        // Act
        var rfc8414 = await Client.GetAsync(OAuthAuthorizationServer);
        var openId = await Client.GetStringAsync(OpenIdConfiguration);

        // Assert
        rfc8414.StatusCode.Should().Be(HttpStatusCode.OK);
        rfc8414.Content.Headers.ContentType?.MediaType.Should().Be("application/json");
        (await rfc8414.Content.ReadAsStringAsync()).Should().Be(openId);
    }

    [Test]
    public async Task OAuthAuthorizationServer_Issuer_IsExactlyTheIssuerItsTokensCarry()
    {
        // Arrange
        var token = new JsonWebToken(await Host.GetTokenAsync());

        // Act
        var metadata = await Client.GetFromJsonAsync<JsonElement>(OAuthAuthorizationServer);

        // Assert: RFC 8414 §3.3 and every client library compare these character for character.
        metadata.GetProperty("issuer").GetString().Should().Be(token.Issuer);
    }

    private static IEnumerable<string?> Strings(JsonElement metadata, string name) =>
        metadata.GetProperty(name).EnumerateArray().Select(value => value.GetString());
}

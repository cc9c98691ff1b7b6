using System.Net;
using AuthActionApi.Tests.Support;
using Duende.IdentityModel.Client;

namespace AuthActionApi.Tests;

/// <summary>
/// Duende.IdentityModel, unmodified, against the local tenant on a real loopback port, doing what a .NET service
/// calling this API does: discover the tenant, get a client-credentials token, call the API with it.
/// </summary>
public sealed class LocalTenantClientLibraryTests : ApiFixture
{
    protected override bool UsesLocalTenant => true;

    [Test]
    public async Task GetDiscoveryDocument_DefaultPolicyOverLoopbackHttp_FindsTokenEndpointAndBothSecretMethods()
    {
        // Act
        var discovery = await DiscoverAsync();

        // Assert
        discovery.TokenEndpoint.Should().Be($"{Host.Address}oauth2/m2m/token");
        discovery.GrantTypesSupported.Should().Equal("client_credentials");
        discovery.TokenEndpointAuthenticationMethodsSupported.Should().BeEquivalentTo("client_secret_basic", "client_secret_post");
        discovery.ScopesSupported.Should().Contain("read:messages");
    }

    [Test]
    public async Task RequestClientCredentialsToken_AuthorizationHeaderWithSpaceAndPlusInSecret_TokenCallsScopedRoute()
    {
        // Arrange
        var discovery = await DiscoverAsync();

        // Act
        var token = await Client.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = discovery.TokenEndpoint,
            ClientId = LocalTenantApi.WriterClientId,
            ClientSecret = LocalTenantApi.WriterClientSecret,
            ClientCredentialStyle = ClientCredentialStyle.AuthorizationHeader,
        });

        // Assert
        token.IsError.Should().BeFalse(token.Error + " " + token.ErrorDescription);
        token.Scope.Should().Be(LocalTenantApi.WriterScopes);
        (await GetAsync("/protected", token.AccessToken!)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await GetAsync("/protected/scoped", token.AccessToken!)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task RequestClientCredentialsToken_PostBodyWithScopeSubset_TokenGrantsOnlyThatScope()
    {
        // Arrange
        var discovery = await DiscoverAsync();

        // Act
        var token = await Client.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = discovery.TokenEndpoint,
            ClientId = LocalTenantApi.WriterClientId,
            ClientSecret = LocalTenantApi.WriterClientSecret,
            ClientCredentialStyle = ClientCredentialStyle.PostBody,
            Scope = "write:messages",
        });

        // Assert
        token.IsError.Should().BeFalse(token.Error + " " + token.ErrorDescription);
        token.Scope.Should().Be("write:messages");
        (await GetAsync("/protected", token.AccessToken!)).StatusCode.Should().Be(HttpStatusCode.OK);
        var scoped = await GetAsync("/protected/scoped", token.AccessToken!);
        await scoped.ShouldLackScopesAsync(required: ["read:messages"], missing: ["read:messages"]);
    }

    [Test]
    public async Task RequestClientCredentialsToken_ScopeNotGrantedToTheClient_ErrorIsInvalidScope()
    {
        // Arrange
        var discovery = await DiscoverAsync();

        // Act
        var token = await Client.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = discovery.TokenEndpoint,
            ClientId = LocalTenantApi.ReaderClientId,
            ClientSecret = LocalTenantApi.ReaderClientSecret,
            Scope = "write:messages",
        });

        // Assert
        token.IsError.Should().BeTrue();
        token.ErrorType.Should().Be(ResponseErrorType.Protocol);
        token.HttpStatusCode.Should().Be(HttpStatusCode.BadRequest);
        token.Error.Should().Be("invalid_scope");
        token.ErrorDescription.Should().Be("The requested scope is not granted to this client.");
    }

    [Test]
    public async Task RequestClientCredentialsToken_ResourceOfAnotherApi_ErrorIsInvalidTarget()
    {
        // Arrange
        var discovery = await DiscoverAsync();

        // Act
        var token = await Client.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = discovery.TokenEndpoint,
            ClientId = LocalTenantApi.ReaderClientId,
            ClientSecret = LocalTenantApi.ReaderClientSecret,
            Resource = { "https://another.api" },
        });

        // Assert
        token.IsError.Should().BeTrue();
        token.ErrorType.Should().Be(ResponseErrorType.Protocol);
        token.HttpStatusCode.Should().Be(HttpStatusCode.BadRequest);
        token.Error.Should().Be("invalid_target");
        token.ErrorDescription.Should().Be("The audience or resource is not an API of this tenant.");
    }

    /// <summary>Discovery as user code does it: the tenant's address and Duende's default policy.</summary>
    private async Task<DiscoveryDocumentResponse> DiscoverAsync()
    {
        var discovery = await Client.GetDiscoveryDocumentAsync(new DiscoveryDocumentRequest
        {
            Address = Host.Address.AbsoluteUri,
            // Duende's defaults, spelled out: https everywhere except on a loopback address, which the local tenant
            // always is. Issuer, endpoint and key-set validation stay on.
            Policy = new DiscoveryPolicy { RequireHttps = true, AllowHttpOnLoopback = true },
        });
        discovery.IsError.Should().BeFalse(discovery.Error);
        return discovery;
    }

    private async Task<HttpResponseMessage> GetAsync(string path, string accessToken)
    {
        using var api = Host.CreateHttpClient();
        api.SetBearerToken(accessToken);
        return await api.GetAsync(path);
    }
}

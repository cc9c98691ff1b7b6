using System.Net;
using AuthActionApi.Tests.Support;

namespace AuthActionApi.Tests;

/// <summary>
/// DNS rebinding: a web page the developer visits can point a name of its own at 127.0.0.1 and make the browser call
/// the local tenant under that name. While the local tenant runs, only loopback host names are served.
/// </summary>
public sealed class LocalTenantHostFilteringTests : ApiFixture
{
    protected override bool UsesLocalTenant => true;

    [TestCase("/.well-known/openid-configuration")]
    [TestCase("/protected")]
    public async Task Get_ReboundHostName_Returns400InvalidHostname(string path)
    {
        // Arrange
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = $"rebound.attacker.example:{Host.Address.Port}";

        // Act
        using var response = await Client.SendAsync(request);

        // Assert
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("Bad Request - Invalid Hostname");
    }

    [Test]
    public async Task PostToken_ReboundHostName_Returns400AndIssuesNoToken()
    {
        // Arrange
        using var request = new HttpRequestMessage(HttpMethod.Post, OAuthRequests.TokenPath)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["client_id"] = LocalTenantApi.ReaderClientId,
                ["client_secret"] = LocalTenantApi.ReaderClientSecret,
                ["grant_type"] = "client_credentials",
            }),
        };
        request.Headers.Host = "rebound.attacker.example";

        // Act
        using var response = await Client.SendAsync(request);

        // Assert
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("Invalid Hostname").And.NotContain("access_token");
    }

    [TestCase("localhost")]
    [TestCase("127.0.0.1")]
    [TestCase("[::1]")]
    public async Task Get_LoopbackHostName_Returns200(string host)
    {
        // Arrange: the counterpart of the refusals, so they cannot pass by refusing every name.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/.well-known/openid-configuration");
        request.Headers.Host = $"{host}:{Host.Address.Port}";

        // Act
        using var response = await Client.SendAsync(request);

        // Assert
        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task Get_AnyHostNameWithARealTenant_IsServedAsAllowedHostsSays()
    {
        // Arrange: outside local-tenant mode AllowedHosts (* by default) decides, as before.
        await using var api = await ApiHost.StartAsync();
        using var client = api.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/public");
        request.Headers.Host = "api.example.com";

        // Act
        using var response = await client.SendAsync(request);

        // Assert
        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }
}

using System.Net;
using System.Net.Http.Json;
using AuthActionApi.Tests.Support;

namespace AuthActionApi.Tests;

/// <summary>The local tenant hands out tokens to anyone who knows a dev secret: it must never run where it could matter.</summary>
public sealed class LocalTenantOutsideDevelopmentTests : TenantFixture
{
    [TestCase("Production")]
    [TestCase("Staging")]
    [TestCase("Development")]
    public async Task TokenEndpoint_WithARealTenantConfigured_IsNotServed(string environment)
    {
        await using var api = await ApiHost.StartAsync(Tenant, new Dictionary<string, string?> { ["LocalTenant:Enabled"] = "true" }, environment);
        using var client = api.CreateClient();

        var token = await client.PostAsJsonAsync(OAuthRequests.TokenPath, LocalTenantApi.ReaderTokenRequest);
        var jwks = await client.GetAsync("/.well-known/jwks.json");

        token.StatusCode.Should().Be(HttpStatusCode.NotFound);
        jwks.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Test]
    [NonParallelizable]
    public async Task TokenEndpoint_InDevelopmentWithNestJsDomainVariable_IsNotServedAndThatTenantIsTrusted()
    {
        // The local tenant is decided at start-up: the NestJS variables must already count as a configured domain then.
        using var domain = new EnvironmentVariable("AUTHACTION_DOMAIN", Tenant.Domain);
        using var audience = new EnvironmentVariable("AUTHACTION_AUDIENCE", Tenant.Audience);
        await using var api = await ApiHost.StartAsync(Tenant, environment: "Development", configureTenant: false);
        using var client = api.CreateClient();
        await api.WaitForKeysAsync();

        var jwks = await client.GetAsync("/.well-known/jwks.json");
        var response = await client.GetWithTokenAsync("/protected", Tenant.Token().Build());

        jwks.StatusCode.Should().Be(HttpStatusCode.NotFound);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }
}

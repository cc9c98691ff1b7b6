using System.Net;
using System.Net.Http.Json;
using AuthActionApi.Tests.Support;

namespace AuthActionApi.Tests;

/// <summary>
/// The local tenant mints accepted tokens for anyone who knows a dev secret, and Swagger UI hands that secret out:
/// the app refuses to start in local-tenant mode when it would listen beyond loopback, with one line saying the ways out.
/// </summary>
public sealed class LocalTenantLoopbackTests : TenantFixture
{
    private const string WaysOut = "--urls http://localhost:3000";

    [TestCase("http://0.0.0.0:3000", "http://0.0.0.0:3000")]
    [TestCase("http://+:3000", "http://+:3000")]
    [TestCase("http://*:3000", "http://*:3000")]
    [TestCase("http://[::]:3000", "http://[::]:3000")]
    [TestCase("http://192.0.2.10:3000", "http://192.0.2.10:3000")]
    [TestCase("http://devbox:3000", "http://devbox:3000")]
    [TestCase("http://localhost:3000;https://0.0.0.0:3001", "https://0.0.0.0:3001")]
    public async Task Start_LocalTenantWithUrlsBeyondLoopback_FailsWithOneLineNamingTheWaysOut(string urls, string named)
    {
        // Arrange
        await using var api = await LocalTenantRunning(new() { ["urls"] = urls });

        // Act
        var failures = api.StartupFailures();

        // Assert
        failures.Should().ContainSingle().Which.Should()
            .Contain(named).And.Contain(WaysOut).And.Contain("AuthAction__Domain");
    }

    [Test]
    public async Task Start_LocalTenantWithHttpPortsAndNoUrls_FailsNamingEveryInterface()
    {
        // Arrange: ASPNETCORE_HTTP_PORTS, as container images set it, listens on every interface.
        await using var api = await LocalTenantRunning(new() { ["http_ports"] = "8080" });

        // Act
        var failures = api.StartupFailures();

        // Assert
        failures.Should().ContainSingle().Which.Should().Contain("http://*:8080").And.Contain(WaysOut);
    }

    [Test]
    public async Task Start_LocalTenantWithKestrelEndpointBeyondLoopback_FailsNamingIt()
    {
        // Arrange
        await using var api = await LocalTenantRunning(new() { ["Kestrel:Endpoints:Http:Url"] = "http://0.0.0.0:3000" });

        // Act
        var failures = api.StartupFailures();

        // Assert
        failures.Should().ContainSingle().Which.Should().Contain("http://0.0.0.0:3000").And.Contain(WaysOut);
    }

    // Ports nothing here listens on: the test server answers in memory, and the local tenant's keys, fetched from
    // this address, are not what these tests look at.
    [TestCase("http://localhost:39117")]
    [TestCase("http://127.0.0.1:39117")]
    [TestCase("http://[::1]:39117")]
    [TestCase("http://localhost:39117;https://127.0.0.1:39118")]
    public async Task Start_LocalTenantWithLoopbackUrls_IssuesTokens(string urls)
    {
        // Arrange: the counterpart of the refusals, so they cannot pass by refusing every address.
        await using var api = await LocalTenantRunning(new() { ["urls"] = urls, ["http_ports"] = "8080" });
        using var client = api.CreateClient();

        // Act
        var response = await client.PostAsJsonAsync(OAuthRequests.TokenPath, LocalTenantApi.ReaderTokenRequest);

        // Assert: urls wins over http_ports, as it does for the host.
        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task Start_RealTenantOnEveryInterfaceInDevelopment_ServesWithoutTheLocalTenant()
    {
        // Arrange: with AuthAction:Domain set the local tenant is off, and listening anywhere is the operator's call.
        await using var api = await ApiHost.StartAsync(Tenant, new Dictionary<string, string?> { ["urls"] = "http://0.0.0.0:3000" }, "Development");
        using var client = api.CreateClient();
        await api.WaitForKeysAsync();

        // Act
        var response = await client.GetWithTokenAsync("/protected", Tenant.Token().Build());

        // Assert
        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task Run_LocalTenantWithUrlsOnEveryInterface_Exits78WithOneLineAndNoStackTrace()
    {
        // Act
        var (exitCode, output) = await AppProcess.RunToExitAsync(
            new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["AuthAction__Domain"] = string.Empty,
                ["AuthAction__Audience"] = string.Empty,
                ["LocalTenant__Enabled"] = "true",
            },
            TimeSpan.FromSeconds(60),
            urls: "http://0.0.0.0:0");

        // Assert
        exitCode.Should().Be(78, "sysexits.h EX_CONFIG");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().ContainSingle(l => l.Contains("Cannot start:", StringComparison.Ordinal)).Which.Should()
            .Contain("http://0.0.0.0:0").And.Contain(WaysOut).And.Contain("AuthAction__Domain");
        output.Should().NotContain("Now listening on", "it refuses before it binds any address");
        output.Should().NotContain("   at ", "a configuration mistake is reported as a sentence, not a stack trace");
    }

    /// <summary>Development with no AuthAction domain, so the local tenant runs, plus <paramref name="settings"/>.</summary>
    private Task<ApiHost> LocalTenantRunning(Dictionary<string, string?> settings)
    {
        var all = new Dictionary<string, string?> { ["AuthAction:Domain"] = "", ["AuthAction:Audience"] = "", ["LocalTenant:Enabled"] = "true" };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        return ApiHost.StartAsync(Tenant, all, environment: "Development", configureTenant: false);
    }
}

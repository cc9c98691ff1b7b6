using System.Net;
using AuthActionApi.Tests.Support;

namespace AuthActionApi.Tests;

/// <summary>
/// <c>/health/live</c> says the process answers; <c>/health/ready</c> says the signing keys are loaded. Neither
/// needs a token, because a load balancer or a Kubernetes probe has none.
/// </summary>
public sealed class HealthTests : ApiFixture
{
    protected override IReadOnlyDictionary<string, string?>? Settings => ApiHost.FastJwks;

    [TestCase("/health/live")]
    [TestCase("/health/ready")]
    public async Task Probe_KeysLoadedWithoutToken_Returns200Healthy(string path)
    {
        var response = await Client.GetAsync(path);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("Healthy");
    }

    [TestCase("/health/live")]
    [TestCase("/health/ready")]
    public async Task Probe_WithInvalidToken_IgnoresTheTokenAndReturns200(string path)
    {
        var response = await Client.GetWithTokenAsync(path, "not-a-token");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.Contains("WWW-Authenticate").Should().BeFalse();
    }

    [TestCase("/health/live", HttpStatusCode.OK, "Healthy")]
    [TestCase("/health/ready", HttpStatusCode.ServiceUnavailable, "Unhealthy")]
    public async Task Probe_KeysNeverLoaded_ReportsLiveButNotReady(string path, HttpStatusCode expected, string body)
    {
        await using var host = await ApiHost.StartAsync(JwksBehaviour.ServerError, ApiHost.FastJwks);
        using var client = host.Api.CreateClient();
        await host.Tenant.WaitForFetchesAsync(1);

        var response = await client.GetAsync(path);

        response.StatusCode.Should().Be(expected);
        (await response.Content.ReadAsStringAsync()).Should().Be(body);
    }

    [Test]
    public async Task Ready_JwksComesBackAfterNeverLoading_BecomesReadyByItself()
    {
        await using var host = await ApiHost.StartAsync(JwksBehaviour.ServerError, ApiHost.FastJwks);
        using var client = host.Api.CreateClient();
        await host.Tenant.WaitForFetchesAsync(1);
        (await client.GetAsync("/health/ready")).StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);

        host.Tenant.Behaviour = JwksBehaviour.Serve;

        await Eventually.UntilAsync(
            async () => (await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK,
            "/health/ready answers 200");
    }

    [Test]
    public async Task Ready_JwksDownAfterKeysLoaded_StaysReady()
    {
        await using var host = await ApiHost.StartAsync(JwksBehaviour.Serve, ApiHost.FastJwks);
        using var client = host.Api.CreateClient();
        await host.Api.WaitForKeysAsync();

        host.Tenant.Behaviour = JwksBehaviour.ServerError;
        await Eventually.UntilAsync(() => host.Keys.LastFailure is not null, "a JWKS fetch has failed");
        var response = await client.GetAsync("/health/ready");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }
}

using System.Net;
using AuthActionApi.Tests.Support;

namespace AuthActionApi.Tests;

/// <summary>
/// Limits only a real server enforces (TestServer has none): the API runs on Kestrel on a loopback port here.
/// </summary>
public sealed class OversizedHeaderTests
{
    private const int TokenRejectedEventId = 2002;

    private TestTenant _tenant = null!;
    private ApiFactory _api = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _tenant = await TestTenant.StartAsync();
        _api = new ApiFactory(_tenant);
        _api.UseKestrel(0);
        _api.StartServer();
        _client = _api.CreateClient();
        await _api.WaitForKeysAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _client.Dispose();
        await _api.DisposeAsync();
        await _tenant.DisposeAsync();
    }

    [Test]
    public async Task GetProtected_OverKestrel_ValidTokenIsAccepted()
    {
        // Shows the client reaches the real server, so the refusal below is Kestrel's and not a test artefact.
        var response = await _client.GetWithTokenAsync("/protected", _tenant.Token().Build());

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        _client.BaseAddress!.Port.Should().NotBe(80);
    }

    [Test]
    public async Task GetProtected_AuthorizationHeaderOverTheServerLimit_Returns431BeforeAnyTokenWork()
    {
        var fetchesBefore = _tenant.JwksFetches;
        var token = _tenant.Token().Header("kid", "unknown-" + Guid.NewGuid()).Claim("padding", new string('a', 64 * 1024)).Build();

        var response = await _client.GetWithTokenAsync("/protected", token);

        response.StatusCode.Should().Be(HttpStatusCode.RequestHeaderFieldsTooLarge);
        _tenant.JwksFetches.Should().Be(fetchesBefore);
        _api.Logs.Events.Should().NotContain(e => e.Properties.ContainsKey("EventId")
            && e.Properties["EventId"].ToString().Contains($"Id: {TokenRejectedEventId}", StringComparison.Ordinal));
    }

    [Test]
    public async Task GetProtected_TokenOnlyInQueryStringOverKestrel_Returns401WithPlainBearerChallenge()
    {
        var response = await _client.GetAsync("/protected?access_token=" + Uri.EscapeDataString(_tenant.Token().Build()));

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.WwwAuthenticate().Should().Be("Bearer");
    }
}

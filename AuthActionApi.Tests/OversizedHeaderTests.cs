using System.Net;
using AuthActionApi.Authentication;
using AuthActionApi.Tests.Support;

namespace AuthActionApi.Tests;

/// <summary>
/// Limits only a real server enforces (TestServer has none): the API runs on Kestrel on a loopback port here.
/// </summary>
public sealed class OversizedHeaderTests : ApiFixture
{

    protected override bool OnKestrel => true;

    [Test]
    public async Task GetProtected_OverKestrel_ValidTokenIsAccepted()
    {
        // Shows the client reaches the real server, so the refusal below is Kestrel's and not a test artefact.
        var response = await Client.GetWithTokenAsync("/protected", Tenant.Token().Build());

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        Client.BaseAddress!.Port.Should().NotBe(80);
    }

    [Test]
    public async Task GetProtected_AuthorizationHeaderOverTheServerLimit_Returns431BeforeAnyTokenWork()
    {
        var fetchesBefore = Tenant.JwksFetches;
        var token = Tenant.Token().Header("kid", "unknown-" + Guid.NewGuid()).Claim("padding", new string('a', 64 * 1024)).Build();

        var response = await Client.GetWithTokenAsync("/protected", token);

        response.StatusCode.Should().Be(HttpStatusCode.RequestHeaderFieldsTooLarge);
        Tenant.JwksFetches.Should().Be(fetchesBefore);
        Api.Logs.WithEventId(AuthenticationEventIds.TokenRefused).Should().BeEmpty();
    }
}

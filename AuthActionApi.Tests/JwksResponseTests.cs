using System.Net;
using System.Text;
using AuthActionApi.Tests.Support;
using Serilog.Events;

namespace AuthActionApi.Tests;

/// <summary>
/// Whatever the network returns for the JWKS, the API stays up. JSON is UTF-8 whatever charset the header names
/// (RFC 8259 §8.1), so an odd charset changes nothing; a body that is not UTF-8, larger than 1 MiB or endless is a
/// failed fetch: logged at Error with the reason, the last good keys keep serving, and fetching goes on. Each
/// test owns its tenant and API (<see cref="ApiHost"/>).
/// </summary>
[Parallelizable(ParallelScope.Children)]
public sealed class JwksResponseTests
{
    /// <summary>The cap, written out: it is documented, so changing it must break a test.</summary>
    private const int OneMebibyte = 1024 * 1024;

    private const string NotUtf8 = "The JWKS is not valid UTF-8";

    [TestCase("application/json; charset=utf8", false)]
    [TestCase("application/json; charset=windows-1252", false)]
    [TestCase("application/json; charset=utf8", true)]
    public async Task Startup_JwksNamesAnUnknownCharset_LoadsKeysFromTheUtf8Body(string contentType, bool byteOrderMark)
    {
        await using var host = await ApiHost.StartAsync();
        host.Tenant.Answer = new JwksAnswer
        {
            ContentType = contentType,
            Body = byteOrderMark ? [0xEF, 0xBB, 0xBF, .. host.Tenant.JwksDocument()] : null,
        };
        using var client = host.Api.CreateClient();

        await host.Api.WaitForKeysAsync();
        var response = await client.GetWithTokenAsync("/protected", host.Tenant.Token().Build());

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        host.FetchFailures.Should().BeEmpty();
    }

    [Test]
    public async Task Startup_JwksNotUtf8_StaysUpUnreadyAndLogsWhy()
    {
        await using var host = await ApiHost.StartAsync(settings: ApiHost.FastRefresh);
        host.Tenant.Answer = Windows1252Jwks(host.Tenant);
        using var client = host.Api.CreateClient();
        await Eventually.UntilAsync(() => host.FetchFailures.Any(), "a JWKS fetch has failed");

        var ready = await client.GetAsync("/health/ready");

        ready.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await ready.Content.ReadAsStringAsync()).Should().Be("Unhealthy");
        host.FetchFailures.First().Level.Should().Be(LogEventLevel.Error);
        host.FetchFailureReasons.First().Should().Be(NotUtf8);
        host.Lifetime.ApplicationStopping.IsCancellationRequested.Should().BeFalse("a failed fetch never stops the host");
    }

    [Test]
    public async Task Startup_JwksNotUtf8ThenServedProperly_LoadsKeysByItself()
    {
        await using var host = await ApiHost.StartAsync(settings: ApiHost.FastRefresh);
        host.Tenant.Answer = Windows1252Jwks(host.Tenant);
        using var client = host.Api.CreateClient();
        await Eventually.UntilAsync(() => host.FetchFailures.Any(), "a JWKS fetch has failed");

        host.Tenant.Answer = null;

        await Eventually.UntilAsync(
            async () => (await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK,
            "/health/ready answers 200");
        (await client.GetWithTokenAsync("/protected", host.Tenant.Token().Build())).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task Refresh_JwksTurnsNotUtf8WithKeysLoaded_KeepsServingAndKeepsRefreshing()
    {
        await using var host = await ApiHost.StartAsync(settings: ApiHost.FastRefresh);
        using var client = host.Api.CreateClient();
        await host.Api.WaitForKeysAsync();

        host.Tenant.Answer = Windows1252Jwks(host.Tenant);
        // Two failed scheduled fetches: the refresh loop outlived the first.
        await Eventually.UntilAsync(() => host.FetchFailures.Count() >= 2, "two scheduled JWKS fetches have failed");
        var response = await client.GetWithTokenAsync("/protected", host.Tenant.Token().Build());

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        host.Lifetime.ApplicationStopping.IsCancellationRequested.Should().BeFalse("a failed fetch never stops the host");
        host.FetchFailures.Should().AllSatisfy(e => e.Level.Should().Be(LogEventLevel.Error));
        host.FetchFailureReasons.Should().OnlyContain(reason => reason == NotUtf8);
    }

    [TestCase(true, "The JWKS is larger than 1 MiB: its Content-Length is 1048577 bytes")]
    [TestCase(false, "The JWKS is larger than 1 MiB: more than 1048576 bytes arrived")]
    public async Task Refresh_JwksOneByteOverTheCap_FailsAndLastGoodKeysKeepServing(bool declaresLength, string reason)
    {
        await using var host = await ApiHost.StartAsync();
        using var client = host.Api.CreateClient();
        await host.Api.WaitForKeysAsync();
        using var fetches = new JwksFetchCounter(host.Api.Services);
        // A valid JWKS padded with JSON whitespace: its size is the only thing wrong with it.
        host.Tenant.Answer = new JwksAnswer { PaddedTo = OneMebibyte + 1, DeclaresLength = declaresLength };

        await host.Keys.RefreshAsync(CancellationToken.None);
        var response = await client.GetWithTokenAsync("/protected", host.Tenant.Token().Build());

        host.FetchFailureReasons.Should().Equal(reason);
        host.FetchFailures.Single().Level.Should().Be(LogEventLevel.Error);
        host.Keys.LastFailure.Should().Be(reason);
        fetches.Failures.Should().Be(1);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task Refresh_JwksExactlyAtTheCap_LoadsTheKeys(bool declaresLength)
    {
        await using var host = await ApiHost.StartAsync();
        await host.Api.WaitForKeysAsync();
        var rotated = host.Tenant.RotateKey();
        host.Tenant.Answer = new JwksAnswer { PaddedTo = OneMebibyte, DeclaresLength = declaresLength };

        await host.Keys.RefreshAsync(CancellationToken.None);

        host.Keys.LastFailure.Should().BeNull();
        host.Keys.Current!.TryGetKey(rotated.Kid, out _).Should().BeTrue();
    }

    [Test]
    public async Task Refresh_EndlessJwks_FailsAtTheCapAndHangsUp()
    {
        await using var host = await ApiHost.StartAsync();
        using var client = host.Api.CreateClient();
        await host.Api.WaitForKeysAsync();
        using var fetches = new JwksFetchCounter(host.Api.Services);
        host.Tenant.Answer = new JwksAnswer { Endless = true };

        await host.Keys.RefreshAsync(CancellationToken.None);
        var response = await client.GetWithTokenAsync("/protected", host.Tenant.Token().Build());

        // The cap ended the fetch, not the 10 s fetch timeout, and the API closed the connection behind it.
        host.FetchFailureReasons.Should().Equal("The JWKS is larger than 1 MiB: more than 1048576 bytes arrived");
        fetches.Failures.Should().Be(1);
        await Eventually.UntilAsync(() => host.Tenant.EndlessBodiesOpen == 0, "the tenant has stopped streaming the endless body");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    /// <summary>
    /// The tenant's JWKS with a member holding "café", written as a Windows-1252 server would: é is the single byte
    /// 0xE9, which is not UTF-8.
    /// </summary>
    private static JwksAnswer Windows1252Jwks(TestTenant tenant)
    {
        var json = "{\"note\":\"caf\u00e9\"," + Encoding.UTF8.GetString(tenant.JwksDocument())[1..];
        return new JwksAnswer { ContentType = "application/json; charset=windows-1252", Body = Encoding.Latin1.GetBytes(json) };
    }
}

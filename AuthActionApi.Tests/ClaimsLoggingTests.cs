using System.Net;
using AuthActionApi.Tests.Support;
using Serilog.Events;

namespace AuthActionApi.Tests;

/// <summary>The OnTokenValidated handler logs who called with what, as structured data, and never the token itself.</summary>
public sealed class ClaimsLoggingTests
{
    private const string ClaimsCategory = "AuthActionApi.TokenClaims";

    private TestTenant _tenant = null!;

    [OneTimeSetUp]
    public async Task StartTenantAsync() => _tenant = await TestTenant.StartAsync();

    [OneTimeTearDown]
    public async Task StopTenantAsync() => await _tenant.DisposeAsync();

    [Test]
    public async Task TokenValidated_InDevelopment_LogsTheClaimsAsProperties()
    {
        await using var api = new ApiFactory(_tenant, environment: "Development");
        using var client = api.CreateClient();
        await api.WaitForKeysAsync();
        var expires = DateTimeOffset.UtcNow.AddMinutes(30);
        var token = _tenant.Token().Scope("read:messages write:messages").ExpiresAt(expires).Build();

        (await client.GetWithTokenAsync("/protected", token)).StatusCode.Should().Be(HttpStatusCode.OK);

        var logged = api.Logs.From(ClaimsCategory).Should().ContainSingle().Subject;
        Scalar(logged, "Subject").Should().Be("test-client@clients");
        Scalar(logged, "Issuer").Should().Be(_tenant.Issuer);
        Scalar(logged, "ClientId").Should().Be("test-client");
        Sequence(logged, "Audience").Should().Equal(_tenant.Audience);
        Sequence(logged, "Scopes").Should().BeEquivalentTo("read:messages", "write:messages");
        ((DateTime)((ScalarValue)logged.Properties["ExpiresAt"]).Value!).Should().Be(expires.UtcDateTime.AddTicks(-(expires.UtcDateTime.Ticks % TimeSpan.TicksPerSecond)));
    }

    [Test]
    public async Task TokenValidated_AnyEnvironment_NeverLogsTheTokenOrAuthorizationHeader()
    {
        await using var api = new ApiFactory(_tenant, environment: "Development");
        using var client = api.CreateClient();
        await api.WaitForKeysAsync();
        var token = _tenant.Token().Build();

        (await client.GetWithTokenAsync("/protected", token)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.GetWithTokenAsync("/protected", token + "tampered")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        var everything = api.Logs.RenderAll();
        api.Logs.From(ClaimsCategory).Should().NotBeEmpty();
        everything.Should().NotContain(token.Split('.')[1], "the payload segment is the token");
        everything.Should().NotContain(token.Split('.')[2], "the signature segment is the token");
        everything.Should().NotContain("Bearer ey");
    }

    [Test]
    public async Task TokenValidated_InProduction_IsQuietByDefault()
    {
        await using var api = new ApiFactory(_tenant, environment: "Production");
        using var client = api.CreateClient();
        await api.WaitForKeysAsync();

        (await client.GetWithTokenAsync("/protected", _tenant.Token().Build())).StatusCode.Should().Be(HttpStatusCode.OK);

        api.Logs.From(ClaimsCategory).Should().BeEmpty();
    }

    private static string? Scalar(LogEvent logEvent, string name) =>
        ((ScalarValue)logEvent.Properties[name]).Value as string;

    private static IEnumerable<string?> Sequence(LogEvent logEvent, string name) =>
        ((SequenceValue)logEvent.Properties[name]).Elements.Select(e => ((ScalarValue)e).Value as string);
}

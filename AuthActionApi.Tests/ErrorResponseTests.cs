using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AuthActionApi.Authentication;
using AuthActionApi.Tests.Support;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Events;

namespace AuthActionApi.Tests;

/// <summary>
/// Every refusal says why (RFC 6750 challenge, RFC 9457 body, a log line the operator can find by trace id)
/// and never repeats what the client sent.
/// </summary>
public sealed class ErrorResponseTests : ApiFixture
{
    private const string Marker = "zz-attacker-marker-7f3a";

    [Test]
    public async Task GetProtected_WithInvalidToken_TraceIdMatchesTheRefusalLogLine()
    {
        var response = await Client.GetWithTokenAsync("/protected", Tenant.Token().Audience("https://another.api").Build());

        var traceId = (await ReadProblemAsync(response)).GetProperty("traceId").GetString();
        var refusal = RefusalLoggedFor(traceId!);
        refusal.Should().NotBeNull("the operator must find the refusal by the traceId the client reports");
        refusal!.Level.Should().BeOneOf(LogEventLevel.Information, LogEventLevel.Warning);
    }

    [Test]
    public async Task GetProtected_RefusedWithACallersTraceparent_TraceIdIsTheServersOwn()
    {
        // A trace id the caller chose: someone else's incident, say.
        const string chosen = "4bf92f3577b34da6a3ce929d0e0e4736";
        var token = Tenant.Token().Audience("https://another.api").Build();

        var first = await SendWithTraceparentAsync(token, chosen);
        var second = await SendWithTraceparentAsync(token, chosen);

        var firstId = (await ReadProblemAsync(first)).GetProperty("traceId").GetString()!;
        var secondId = (await ReadProblemAsync(second)).GetProperty("traceId").GetString()!;
        firstId.Should().NotContain(chosen, "a client must not choose the id under which its refusals are logged");
        secondId.Should().NotBe(firstId, "each refusal has an id of its own, whatever the caller sends");
        RefusalLoggedFor(firstId).Should().NotBeNull("the id still finds the refusal's log line");
    }

        [Test]
    public async Task GetUnknownRoute_ProblemBody_CarriesTheServersOwnTraceIdLikeARefusal()
    {
        // Not a refusal: the app's problem-details service writes this body, and must write the same kind of id.
        const string chosen = "4bf92f3577b34da6a3ce929d0e0e4736";
        using var plain = new HttpRequestMessage(HttpMethod.Get, "/no-such-route");
        using var traced = new HttpRequestMessage(HttpMethod.Get, "/no-such-route");
        traced.Headers.Add("traceparent", $"00-{chosen}-00f067aa0ba902b7-01");

        var plainId = (await ReadProblemAsync(await Client.SendAsync(plain))).GetProperty("traceId").GetString();
        var tracedId = (await ReadProblemAsync(await Client.SendAsync(traced))).GetProperty("traceId").GetString();

        plainId.Should().MatchRegex("^[0-9a-f]{32}$", "the W3C trace id the server's log lines carry");
        tracedId.Should().NotContain(chosen, "a client must not choose the id under which its requests are logged");
    }

    [Test]
    public async Task GetProtected_WithInvalidToken_LogsTheFullReasonForTheOperator()
    {
        var response = await Client.GetWithTokenAsync("/protected", Tenant.Token().Issuer("https://evil.example/").Build());

        var traceId = (await ReadProblemAsync(response)).GetProperty("traceId").GetString();
        var refusal = RefusalLoggedFor(traceId!)!;
        refusal.Properties["Description"].ToString().Should().Contain(Refusal.InvalidIssuer);
        refusal.Properties["FailureType"].ToString().Should().Contain("SecurityTokenInvalidIssuerException");
        refusal.Properties["Reason"].ToString().Should().MatchRegex("^\"IDX[0-9]{5}\"$", "IdentityModel's code, not its multi-line text");
        refusal.Properties["ExpectedIssuers"].ToString().Should().Contain(Tenant.Issuer);
    }

    [Test]
    public async Task GetProtected_WithInvalidToken_NeverLogsTheRawToken()
    {
        var token = Tenant.Token().Audience("https://another.api").Build();

        var response = await Client.GetWithTokenAsync("/protected", token);

        await response.ShouldBeRefusedAsync(Refusal.InvalidAudience);
        var signature = token.Split('.')[2];
        Api.Logs.RenderAll().Should().NotContain(signature).And.NotContain(token.Split('.')[1]);
    }

    [TestCase("aud", Refusal.InvalidAudience)]
    [TestCase("iss", Refusal.InvalidIssuer)]
    [TestCase("kid", Refusal.UnknownSigningKey)]
    [TestCase("sub", Refusal.InvalidAudience)]
    public async Task GetProtected_TokenCarryingAMarker_NeverEchoesIt(string where, string refusal)
    {
        var builder = Tenant.Token();
        builder = where switch
        {
            "aud" => builder.Audience("https://" + Marker + ".example"),
            "iss" => builder.Issuer("https://" + Marker + ".example/"),
            "kid" => builder.Header("kid", Marker),
            _ => builder.Audience("https://another.api").Claim("sub", Marker),
        };

        var response = await Client.GetWithTokenAsync("/protected", builder.Build());

        await response.ShouldBeRefusedAsync(refusal);
        var headers = string.Join('\n', response.Headers.Concat(response.Content.Headers).Select(h => h.Key + ": " + string.Join(", ", h.Value)));
        headers.Should().NotContain(Marker);
        (await response.Content.ReadAsStringAsync()).Should().NotContain(Marker);
    }

    [Test]
    public async Task GetProtected_OnChallengeThatWritesItsOwnAnswer_ThatAnswerStands()
    {
        await using var api = await ApiHost.StartAsync(Tenant, services: services => services.Configure<JwtBearerOptions>(
            JwtBearerDefaults.AuthenticationScheme,
            options => options.Events.OnChallenge = async context =>
            {
                context.HandleResponse();
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = "Bearer realm=\"partner\"";
                await context.Response.WriteAsync("custom");
            }));
        using var client = api.CreateClient();
        await api.WaitForKeysAsync();

        var response = await client.GetWithTokenAsync("/protected", Tenant.Token().Audience("https://another.api").Build());

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.WwwAuthenticate().Should().Be("Bearer realm=\"partner\"");
        (await response.Content.ReadAsStringAsync()).Should().Be("custom");
    }

    [Test]
    public async Task Logs_TwoHostsSideBySide_EachKeepsItsOwnEventsAfterTheOtherStops()
    {
        await using var first = await ApiHost.StartAsync();
        using var firstClient = first.Api.CreateClient();
        var second = await ApiHost.StartAsync();
        using (var secondClient = second.Api.CreateClient())
        {
            await secondClient.GetWithTokenAsync("/protected", "second-host-token");
        }

        await second.DisposeAsync();
        var response = await firstClient.GetWithTokenAsync("/protected", "first-host-token");
        var traceId = (await ReadProblemAsync(response)).GetProperty("traceId").GetString()!;

        HasEventFor(first, traceId).Should().BeTrue("a host's refusals must reach its own sinks even after another host in the process has stopped");
        HasEventFor(second, traceId).Should().BeFalse("one host's events must never reach another host's sinks");
    }

    private static bool HasEventFor(ApiHost host, string traceId) =>
        host.Api.Logs.Events.Any(e => e.Properties.TryGetValue("TraceId", out var value) && value is ScalarValue { Value: string logged } && logged == traceId);

    private LogEvent? RefusalLoggedFor(string traceId) =>
        Api.Logs.WithEventId(AuthenticationEventIds.TokenRefused).FirstOrDefault(e =>
            e.Properties.TryGetValue("TraceId", out var value) && value is ScalarValue { Value: string logged } && logged == traceId);

    private async Task<HttpResponseMessage> SendWithTraceparentAsync(string token, string traceId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/protected");
        request.Headers.Authorization = new("Bearer", token);
        request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");
        return await Client.SendAsync(request);
    }

    private static async Task<JsonElement> ReadProblemAsync(HttpResponseMessage response)
    {
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}

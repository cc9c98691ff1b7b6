using System.Net.Http.Json;
using System.Text.Json;
using AuthActionApi.Tests.Support;
using Serilog.Events;

namespace AuthActionApi.Tests;

/// <summary>
/// The request log as production ships it: errors and refusals are logged once each, successful requests are not
/// (they are the hot path), and an operator can turn them on with one setting.
/// </summary>
public sealed class RequestLoggingTests : ApiFixture
{
    private const string RequestLogCategory = "Serilog.AspNetCore.RequestLoggingMiddleware";

    [Test]
    public async Task GetUnknownRoute_InProduction_IsLoggedAtInformation()
    {
        var before = RequestLines(Host, "/no-such-route").Count();
        (await Client.GetAsync("/no-such-route")).Dispose();

        var line = await WaitForRequestLogAsync(Host, "/no-such-route", before);

        line.Level.Should().Be(LogEventLevel.Information);
        line.Properties["StatusCode"].ToString().Should().Be("404");
    }

    [Test]
    public async Task GetProtected_RefusedInProduction_IsLoggedOnceByTheRefusalItself()
    {
        var response = await Client.GetWithTokenAsync("/protected", null);
        var traceId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("traceId").GetString();
        // A 404 after it: once its request line is there, a line for the 401 would have been written too.
        var before = RequestLines(Host, "/no-such-route").Count();
        (await Client.GetAsync("/no-such-route")).Dispose();
        await WaitForRequestLogAsync(Host, "/no-such-route", before);

        var lines = Api.Logs.Events.Where(e => e.Properties.TryGetValue("TraceId", out var id) && id.ToString() == $"\"{traceId}\"").ToList();
        lines.Should().ContainSingle("the refusal's own line says everything the request line would").Which.Level.Should().Be(LogEventLevel.Information);
        lines[0].RenderMessage().Should().StartWith("Refused \"GET\" \"/protected\": no access token");
    }

    [Test]
    public async Task GetPublic_SucceededInProduction_IsNotLogged()
    {
        (await Client.GetWithTokenAsync("/public", null)).Dispose();
        // A refused request after it: once its line is there, the successful one would have been written too.
        var before = RequestLines(Host, "/no-such-route").Count();
        (await Client.GetAsync("/no-such-route")).Dispose();
        await WaitForRequestLogAsync(Host, "/no-such-route", before);

        RequestLines(Host, "/public").Should().BeEmpty();
    }

    [Test]
    public async Task GetPublic_RequestLogOverriddenToDebug_IsLogged()
    {
        await using var api = await ApiHost.StartAsync(Tenant, new Dictionary<string, string?>
        {
            [$"Serilog:MinimumLevel:Override:{RequestLogCategory}"] = "Debug",
        });
        using var client = api.CreateClient();

        (await client.GetWithTokenAsync("/public", null)).Dispose();
        var line = await WaitForRequestLogAsync(api, "/public", 0);

        line.Level.Should().Be(LogEventLevel.Debug);
        line.Properties["StatusCode"].ToString().Should().Be("200");
    }

    [Test]
    public async Task GetHealthReady_Unready503_IsLoggedAtDebugNotError()
    {
        await using var api = await ApiHost.StartAsync(JwksBehaviour.ServerError, new Dictionary<string, string?>
        {
            [$"Serilog:MinimumLevel:Override:{RequestLogCategory}"] = "Debug",
        });
        using var client = api.CreateClient();

        using var probe = await client.GetAsync("/health/ready");
        var line = await WaitForRequestLogAsync(api, "/health/ready", 0);

        ((int)probe.StatusCode).Should().Be(503);
        line.Level.Should().Be(LogEventLevel.Debug, "a probe polls every few seconds, and the key source already logs why at Error");
    }

    private static IEnumerable<LogEvent> RequestLines(ApiHost api, string path) =>
        api.Logs.From(RequestLogCategory).Where(e => e.Properties.TryGetValue("RequestPath", out var value) && value.ToString() == $"\"{path}\"");

    /// <summary>The middleware writes its line after the response has gone, so the test waits for a new one (bounded).</summary>
    private static async Task<LogEvent> WaitForRequestLogAsync(ApiHost api, string path, int linesBefore)
    {
        await Eventually.UntilAsync(() => RequestLines(api, path).Count() > linesBefore, $"a request log line for {path} is written");
        return RequestLines(api, path).Last();
    }
}

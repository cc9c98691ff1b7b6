using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using AuthActionApi.Authentication;
using AuthActionApi.Logging;
using AuthActionApi.Tests.Support;
using Serilog.Events;
using Serilog.Parsing;

namespace AuthActionApi.Tests;

/// <summary>
/// Logs an attacker cannot write: nothing from a request reaches the console raw, a refusal is one line with
/// IdentityModel's code, a flood of refusals costs a bounded number of lines, and an unready instance logs its Errors
/// from the key source, not once per anonymous call.
/// </summary>
public sealed class LogSafetyTests : ApiFixture
{

    [Test]
    public async Task Run_PathWithEncodedLineBreakAndEscape_PrintsNoForgedConsoleLine()
    {
        using var app = await AppProcess.StartAsync(
            new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["AuthAction__Domain"] = Tenant.Domain,
                ["AuthAction__Audience"] = Tenant.Audience,
            },
            TimeSpan.FromSeconds(60));

        // Sent byte for byte, so no client library normalises the target.
        var status = await SendRawAsync(app.Address!, "/x%0A%5B14:00:00%20FTL%5D%20AuthActionApi.Startup:%20forged%0D%1B[31mred");
        await Eventually.UntilAsync(() => app.Output.Contains("forged", StringComparison.Ordinal), "the request line is printed");

        status.Should().StartWith("HTTP/1.1 404");
        var lines = app.Output.Split('\n');
        lines.Should().NotContain(line => line.StartsWith("[14:00:00 FTL]", StringComparison.Ordinal), "a path must never start a line of its own");
        app.Output.Should().Contain("/x\\n[14:00:00 FTL] AuthActionApi.Startup: forged\\r\\u001b[31mred");
        app.Output.Should().NotContain("\u001b").And.NotContain("\r");
    }

    [Test]
    public async Task GetProtected_WrongSignatureUnderAPublishedKid_WritesOneSingleLineWithItsReason()
    {
        using var impostor = new TestSigningKey();
        var token = Tenant.Token().SignedWith(impostor, useItsKid: false).Build();

        var response = await Client.GetWithTokenAsync("/protected", token);
        var traceId = await TraceIdOfAsync(response);

        await Eventually.UntilAsync(() => Api.Logs.WithTraceId(traceId).Any(), "the refusal is logged");
        var line = Api.Logs.WithTraceId(traceId).Should().ContainSingle("one refusal is one line").Subject;
        line.Level.Should().Be(LogEventLevel.Information);
        line.RenderMessage().Should().NotContainAny("\n", "\r").And.Contain(Refusal.InvalidSignature);
        // The signature is checked before IdentityModel sees the token, so the reason is this API's own one line,
        // never IdentityModel's multi-line list of the keys it tried.
        ((ScalarValue)line.Properties["Reason"]).Value.Should().Be("The token's signature does not verify under the key its 'kid' names.");
    }

    [Test]
    public async Task GetProtected_WrongAudience_LogLineNamesTheExpectedAudienceButTheAnswerDoesNot()
    {
        var response = await Client.GetWithTokenAsync("/protected", Tenant.Token().Audience("https://another.api").Build());
        var traceId = await TraceIdOfAsync(response);

        var line = Api.Logs.WithTraceId(traceId).Should().ContainSingle().Subject;
        ((ScalarValue)line.Properties["ExpectedAudience"]).Value.Should().Be(Tenant.Audience);
        await response.ShouldBeRefusedAsync(Refusal.InvalidAudience);
        (await response.Content.ReadAsStringAsync()).Should().NotContain(Tenant.Audience);
    }

    [Test]
    public async Task GetProtected_FloodOfGarbageTokens_WritesTheLimitThenOneSummary()
    {
        var api = await ApiHost.StartAsync(Tenant, new Dictionary<string, string?>
        {
            ["RefusalLog:LinesPerInterval"] = "3",
            ["RefusalLog:Interval"] = "01:00:00",
        });
        using (var client = api.CreateClient())
        {
            await api.WaitForKeysAsync();
            for (var i = 0; i < 20; i++)
            {
                await (await client.GetWithTokenAsync("/protected", "garbage-" + i)).ShouldBeRefusedAsync(Refusal.Malformed);
            }
        }

        var refusals = api.Logs.WithEventId(AuthenticationEventIds.TokenRefused).Count();
        // The interval ends with the host here: what was left out is summed up as its services are disposed, which
        // the app's entry point does on its own thread once the host has stopped.
        await api.DisposeAsync();
        await Eventually.UntilAsync(() => api.Logs.WithEventId(AuthenticationEventIds.RefusalLinesLeftOut).Any(), "the summary is written");

        refusals.Should().Be(3);
        var summary = api.Logs.WithEventId(AuthenticationEventIds.RefusalLinesLeftOut).Should().ContainSingle().Subject;
        ((ScalarValue)summary.Properties["LeftOut"]).Value.Should().Be(17L);
        ((ScalarValue)summary.Properties["Reason"]).Value.Should().Be(Refusal.Malformed);
    }

    [Test]
    public async Task Unready_ProbesAndProtectedCalls_WriteNoErrorLinesOfTheirOwn()
    {
        await using var host = await ApiHost.StartAsync(JwksBehaviour.ServerError);
        using var client = host.Api.CreateClient();
        await Eventually.UntilAsync(() => host.Api.Logs.WithEventId(AuthenticationEventIds.KeyFetchFailed).Any(), "a fetch has failed");

        for (var i = 0; i < 5; i++)
        {
            ((int)(await client.GetAsync("/health/ready")).StatusCode).Should().Be(503);
            ((int)(await client.GetWithTokenAsync("/protected", host.Tenant.Token().Build())).StatusCode).Should().Be(503);
        }

        // Request lines are written after the answer; once the 404's is there, the others would be too.
        (await client.GetAsync("/no-such-route")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        await Eventually.UntilAsync(() => host.Api.Logs.Events.Any(e => e.RenderMessage().Contains("/no-such-route", StringComparison.Ordinal)), "the 404 is logged");
        host.Api.Logs.Events.Where(e => e.Level >= LogEventLevel.Error).Should()
            .OnlyContain(e => e.Properties["SourceContext"].ToString() == "\"AuthActionApi.Authentication.Keys.JwksKeySource\"", "only the key source says why, once per fetch");
    }

    [TestCase("line\nbreak", "line\\nbreak")]
    [TestCase("carriage\rreturn\ttab", "carriage\\rreturn\\ttab")]
    [TestCase("escape\u001b[31m", "escape\\u001b[31m")]
    [TestCase("nul\0 del\u007f c1\u0085 ls\u2028", "nul\\u0000 del\\u007f c1\\u0085 ls\\u2028")]
    [TestCase("plain text, unchanged", "plain text, unchanged")]
    public void Enrich_StringsAtAnyDepth_AreEscaped(string raw, string escaped)
    {
        var logEvent = new LogEvent(DateTimeOffset.UtcNow, LogEventLevel.Information, null, new MessageTemplateParser().Parse("{A}"),
        [
            new LogEventProperty("A", new ScalarValue(raw)),
            new LogEventProperty("B", new SequenceValue([new ScalarValue(raw)])),
            new LogEventProperty("C", new StructureValue([new LogEventProperty("Inner", new ScalarValue(raw))])),
            new LogEventProperty("D", new DictionaryValue([KeyValuePair.Create(new ScalarValue(raw), (LogEventPropertyValue)new ScalarValue(raw))])),
        ]);

        new ControlCharacterEscaper().Enrich(logEvent, null!);

        ((ScalarValue)logEvent.Properties["A"]).Value.Should().Be(escaped);
        ((ScalarValue)((SequenceValue)logEvent.Properties["B"]).Elements[0]).Value.Should().Be(escaped);
        ((ScalarValue)((StructureValue)logEvent.Properties["C"]).Properties[0].Value).Value.Should().Be(escaped);
        var pair = ((DictionaryValue)logEvent.Properties["D"]).Elements.Single();
        (pair.Key.Value, ((ScalarValue)pair.Value).Value).Should().Be((escaped, escaped));
    }

    private static async Task<string> TraceIdOfAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("traceId").GetString()!;

    private static async Task<string> SendRawAsync(Uri address, string target)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {target} HTTP/1.1\r\nHost: {address.Authority}\r\nConnection: close\r\n\r\n"));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        return await reader.ReadToEndAsync();
    }
}

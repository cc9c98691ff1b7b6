using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AuthActionApi.Tests.Support;
using NUnit.Framework.Interfaces;

namespace AuthActionApi.Tests;

/// <summary>
/// What a user who sets <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> sees in their backend. The built app runs as its own
/// process with the <c>OTEL_*</c> variables a user sets, against a tenant on a loopback port, and exports over
/// OTLP/HTTP to a receiver on another; the tests decode the protobuf bodies it received by opentelemetry-proto's
/// field numbers. One session per fixture (a valid call, a call with a newly rotated kid, refused calls); each test
/// reads one thing from what the backend holds, waiting for the next export rather than for a fixed time.
/// </summary>
public sealed class OtlpExportTests : TenantFixture
{
    private const string NoToken = "No access token";
    private const int ProtectedCalls = 6;
    private const string ServiceName = "orders-api-under-test";

    private readonly List<string> _tokens = [];
    private OtlpReceiver _backend = null!;
    private AppProcess.RunningApp? _app;
    private string _rotatedCallTraceId = string.Empty;
    private string _rotatedCallParentSpanId = string.Empty;

    [OneTimeSetUp]
    public async Task RunASessionAsync()
    {
        _backend = await OtlpReceiver.StartAsync();
        _app = await AppProcess.StartAsync(
            new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["AuthAction__Domain"] = Tenant.Domain,
                ["AuthAction__Audience"] = Tenant.Audience,
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = _backend.Endpoint,
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                ["OTEL_SERVICE_NAME"] = ServiceName,
                // Every half second instead of every minute (metrics) and every five seconds (spans).
                ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
                ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            },
            TimeSpan.FromSeconds(60));
        // No trace context of the test runner's own: only the one the rotated-kid call below sends on purpose.
        using var client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = _app.Address };
        await Eventually.UntilAsync(
            async () => (await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK, "the app has loaded the tenant's keys", TimeSpan.FromSeconds(30));

        var valid = Tenant.Token().Unique().Build();
        (await client.GetWithTokenAsync("/protected", valid)).StatusCode.Should().Be(HttpStatusCode.OK);

        // As a gateway in front would, this call names its trace, so its spans are found by that id alone.
        var rotated = Tenant.Token().SignedWith(Tenant.RotateKey()).Build();
        _rotatedCallTraceId = ActivityTraceId.CreateRandom().ToHexString();
        _rotatedCallParentSpanId = ActivitySpanId.CreateRandom().ToHexString();
        using var rotatedCall = new HttpRequestMessage(HttpMethod.Get, "/protected");
        rotatedCall.Headers.Authorization = new AuthenticationHeaderValue("Bearer", rotated);
        rotatedCall.Headers.Add("traceparent", $"00-{_rotatedCallTraceId}-{_rotatedCallParentSpanId}-01");
        (await client.SendAsync(rotatedCall)).StatusCode.Should().Be(HttpStatusCode.OK);

        using var impostor = new TestSigningKey();
        var forged = new[] { Tenant.Token().SignedWith(impostor, useItsKid: false).Build(), Tenant.Token().Unique().SignedWith(impostor, useItsKid: false).Build() };
        foreach (var token in forged)
        {
            await (await client.GetWithTokenAsync("/protected", token)).ShouldBeRefusedAsync(Refusal.InvalidSignature);
        }

        await (await client.GetWithTokenAsync("/protected", "not-a-token")).ShouldBeRefusedAsync(Refusal.Malformed);
        await (await client.GetWithTokenAsync("/protected", null)).ShouldAskForATokenAsync();
        _tokens.AddRange([valid, rotated, .. forged]);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _app?.Dispose();
        await _backend.DisposeAsync();
    }

    [TearDown]
    public void PrintTheAppsOutputOnFailure()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status == TestStatus.Failed)
        {
            TestContext.Out.WriteLine(_app?.Output);
        }
    }

    [Test]
    public async Task Export_EndpointWithoutAPath_PostsProtobufToEachSignalsPath()
    {
        await Eventually.UntilAsync(() => _backend.Metrics.Count > 0 && _backend.Spans.Count > 0, "metrics and spans arrive");

        var received = _backend.Exports.Select(e => $"{e.Path} {e.ContentType}").Distinct();

        received.Should().BeEquivalentTo(["/v1/metrics application/x-protobuf", "/v1/traces application/x-protobuf"]);
    }

    [Test]
    public async Task Export_OtelServiceName_NamesTheServiceOfEveryExport()
    {
        await Eventually.UntilAsync(() => _backend.Metrics.Count > 0 && _backend.Spans.Count > 0, "metrics and spans arrive");

        var serviceNames = _backend.Exports.SelectMany(e => e.Resources()).Select(resource => resource.GetValueOrDefault("service.name")).Distinct();

        serviceNames.Should().Equal([ServiceName], "a user tells their services apart by this name");
    }

    [Test]
    public async Task Metrics_ProtectedCalls_ShowAsRequestDurationsByStatus()
    {
        await Eventually.UntilAsync(
            () => Totals("http.server.request.duration", "http.route").GetValueOrDefault("protected") >= ProtectedCalls, "the export counts every /protected call");

        var byStatus = Totals("http.server.request.duration", "http.route", "http.response.status_code");

        byStatus.Where(p => p.Key.StartsWith("protected/", StringComparison.Ordinal)).Should().BeEquivalentTo(
            new Dictionary<string, long> { ["protected/200"] = 2, ["protected/401"] = 4 });
    }

    [Test]
    public async Task Metrics_RefusedCalls_CountedUnderTheFixedPhraseOfEach401()
    {
        await Eventually.UntilAsync(() => Totals("authaction.tokens.refused", "reason").Values.Sum() >= 4, "the export counts every refusal");

        var refused = Totals("authaction.tokens.refused", "reason");

        refused.Should().BeEquivalentTo(new Dictionary<string, long> { [Refusal.InvalidSignature] = 2, [Refusal.Malformed] = 1, [NoToken] = 1 });
    }

    [Test]
    public async Task Metrics_NewlyRotatedKid_CountOneJwksFetchForTheUnknownKey()
    {
        await Eventually.UntilAsync(() => Totals("authaction.jwks.fetches", "reason").Values.Sum() >= 2, "the export counts both JWKS fetches");

        var fetches = Totals("authaction.jwks.fetches", "reason", "outcome");

        fetches.Should().BeEquivalentTo(
            new Dictionary<string, long> { ["Scheduled/success"] = 1, ["UnknownKey/success"] = 1 }, "one fetch at start-up, one for the rotated kid");
    }

    [Test]
    public async Task Traces_NewlyRotatedKid_HoldTheJwksFetchAsAClientSpanUnderThatCallsServerSpan()
    {
        // The server span ends after every span under it, so none of them is exported later than it.
        await Eventually.UntilAsync(() => InRotatedCallsTrace().Any(s => s.Kind == OtlpSpan.SpanKind.Server), "the rotated-kid call's server span arrives");

        var spans = InRotatedCallsTrace();

        var server = spans.Should().ContainSingle(s => s.Kind == OtlpSpan.SpanKind.Server).Subject;
        server.Name.Should().Be("GET protected");
        server.ParentSpanId.Should().Be(_rotatedCallParentSpanId, "the caller's traceparent is honoured");
        server.Attributes.Should().Contain("url.path", "/protected").And.Contain("http.response.status_code", "200");
        var fetch = spans.Should().ContainSingle(s => s.Kind == OtlpSpan.SpanKind.Client).Subject;
        fetch.ParentSpanId.Should().Be(server.SpanId, "the call waited for this fetch");
        fetch.Attributes.Should().Contain("url.full", Tenant.Domain + "/.well-known/jwks.json").And.Contain("http.response.status_code", "200");
    }

    [Test]
    public async Task Traces_FetchAtStartUp_IsAClientSpanOfItsOwnRoot()
    {
        await Eventually.UntilAsync(() => JwksFetchSpans().Count >= 2, "both JWKS fetch spans arrive");

        var scheduled = JwksFetchSpans().Where(s => s.TraceId != _rotatedCallTraceId);

        scheduled.Should().ContainSingle().Which.ParentSpanId.Should().BeEmpty("no request waited for it");
    }

    [Test]
    public async Task Export_EverySpanAndMetric_CarriesNoToken()
    {
        await Eventually.UntilAsync(
            () => _backend.Spans.Count(s => s.Kind == OtlpSpan.SpanKind.Server && s.Attributes.GetValueOrDefault("url.path") == "/protected") >= ProtectedCalls
                && Totals("authaction.tokens.refused", "reason").Values.Sum() >= 4,
            "every /protected call's span and every refusal arrive");
        var secrets = _tokens.Concat(_tokens.Select(token => token.Split('.')[2])).ToList();

        var decoded = _backend.Spans.SelectMany(s => s.Attributes.Values.Append(s.Name))
            .Concat(_backend.Metrics.SelectMany(m => m.Points).SelectMany(p => p.Attributes.Values));
        var leakingExports = _backend.Exports
            .Select((export, index) => (Name: $"{export.Path} export #{index}", Body: Encoding.Latin1.GetString(export.Body)))
            .Where(export => HoldsAny(export.Body, [.. secrets, "Bearer ey"]))
            .Select(export => export.Name);

        decoded.Where(text => HoldsAny(text, secrets)).Should().BeEmpty("no span name or attribute, nor any metric attribute, holds a token");
        leakingExports.Should().BeEmpty("no byte of any export holds a token or an Authorization header");
    }

    private static bool HoldsAny(string text, IEnumerable<string> secrets) => secrets.Any(secret => text.Contains(secret, StringComparison.Ordinal));

    private List<OtlpSpan> InRotatedCallsTrace() => [.. _backend.Spans.Where(s => s.TraceId == _rotatedCallTraceId)];

    private List<OtlpSpan> JwksFetchSpans() =>
        [.. _backend.Spans.Where(s => s.Kind == OtlpSpan.SpanKind.Client && s.Attributes.GetValueOrDefault("url.full") == Tenant.Domain + "/.well-known/jwks.json")];

    /// <summary>
    /// The newest export's cumulative totals of a counter (its value) or histogram (its count of measurements), per
    /// combination of the named attributes' values ("a/b"), summed over the attributes not named.
    /// </summary>
    private Dictionary<string, long> Totals(string metric, params string[] attributes) =>
        (_backend.Latest(metric)?.Points ?? [])
            .GroupBy(p => string.Join('/', attributes.Select(a => p.Attributes.GetValueOrDefault(a) ?? string.Empty)))
            .ToDictionary(g => g.Key, g => g.Sum(p => p.AsInt ?? (long)(p.Count ?? 0)));
}

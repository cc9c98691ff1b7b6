using System.Diagnostics;
using System.Net;
using AuthActionApi.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AuthActionApi.Tests;

/// <summary>
/// What an operator's OpenTelemetry backend receives, read from the SDK's in-memory exporters after real requests
/// through the HTTP pipeline: the framework's meters, the app's (refusals by reason, JWKS fetches, key set age, token
/// cache), the JWKS fetch as a client span under the request that waited for it, and the Prometheus endpoint. An
/// in-memory exporter is added as a user adds an exporter of their own: <c>AddOpenTelemetry().WithMetrics(...)</c>.
/// </summary>
public sealed class TelemetryTests : TenantFixture
{
    [Test]
    public async Task Metrics_AfterValidRefusedAndRotatedCalls_HoldEveryInstrumentWithItsTags()
    {
        var metrics = new List<Metric>();
        await using var api = await ApiHost.StartAsync(Tenant, services: services =>
            services.AddOpenTelemetry().WithMetrics(meters => meters.AddInMemoryExporter(metrics)));
        using var client = api.CreateClient();
        await api.WaitForKeysAsync();
        using var impostor = new TestSigningKey();
        var valid = Tenant.Token().Unique().Build();

        (await client.GetWithTokenAsync("/protected", valid)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.GetWithTokenAsync("/protected", valid)).StatusCode.Should().Be(HttpStatusCode.OK);
        // Before the made-up kid below, whose fruitless fetch holds the next unknown-kid fetch back for a while.
        var rotated = Tenant.RotateKey();
        (await client.GetWithTokenAsync("/protected", Tenant.Token().SignedWith(rotated).Build())).StatusCode.Should().Be(HttpStatusCode.OK);
        var refusals = new Dictionary<string, string?>
        {
            [Refusal.Expired] = Tenant.Token().ExpiresAt(DateTimeOffset.UtcNow.AddHours(-1)).Build(),
            [Refusal.InvalidAudience] = Tenant.Token().Audience("https://another.api").Build(),
            [Refusal.InvalidIssuer] = Tenant.Token().Issuer("https://evil.example/").Build(),
            [Refusal.InvalidSignature] = Tenant.Token().SignedWith(impostor, useItsKid: false).Build(),
            [Refusal.UnknownSigningKey] = Tenant.Token().Header("kid", "made-up").Build(),
            [Refusal.UnsupportedAlgorithm] = Tenant.Token().Header("alg", "RS384").Build(),
            [Refusal.Malformed] = "not-a-token",
            ["No access token"] = null,
        };
        foreach (var (reason, token) in refusals)
        {
            var response = await client.GetWithTokenAsync("/protected", token);
            if (token is null)
            {
                await response.ShouldAskForATokenAsync();
            }
            else
            {
                await response.ShouldBeRefusedAsync(reason);
            }
        }

        await (await client.GetWithTokenAsync("/protected/scoped", Tenant.Token().Scope("").Build()))
            .ShouldLackScopesAsync(required: ["read:messages"], missing: ["read:messages"]);
        api.Services.GetRequiredService<MeterProvider>().ForceFlush().Should().BeTrue();

        var refused = Points(metrics, "authaction.tokens.refused");
        refused.Should().BeEquivalentTo(
            refusals.Keys.Append("insufficient_scope").ToDictionary(reason => reason, _ => 1L),
            "each refusal is counted once under its fixed phrase, and nothing else is a reason");
        Points(metrics, "authaction.jwks.fetches", "reason", "outcome").Should().ContainKey("UnknownKey/success");
        Points(metrics, "authaction.token_cache.hits").Values.Sum().Should().BePositive();
        Metric(metrics, "authaction.jwks.key_set_age").Should().NotBeNull();
        Metric(metrics, "http.server.request.duration").Should().NotBeNull("ASP.NET Core's hosting meter is exported");
        Metric(metrics, "aspnetcore.authorization.attempts").Should().NotBeNull("the authorization meter is exported");
        Metric(metrics, "aspnetcore.authentication.authenticate.duration").Should().NotBeNull("the authentication meter is exported");
        Metric(metrics, "http.client.request.duration").Should().NotBeNull("the JWKS fetch is an HttpClient call");
    }

    [Test]
    public async Task Traces_RequestWithANewlyRotatedKid_HoldTheJwksFetchAsAChildClientSpanWithoutTheToken()
    {
        var spans = new List<Activity>();
        await using var api = await ApiHost.StartAsync(Tenant, services: services =>
            services.AddOpenTelemetry().WithTracing(tracing => tracing.AddInMemoryExporter(spans)));
        using var client = api.CreateClient();
        await api.WaitForKeysAsync();
        var rotated = Tenant.RotateKey();
        var token = Tenant.Token().SignedWith(rotated).Build();

        (await client.GetWithTokenAsync("/protected", token)).StatusCode.Should().Be(HttpStatusCode.OK);
        api.Services.GetRequiredService<TracerProvider>().ForceFlush().Should().BeTrue();

        var request = spans.Should().ContainSingle(s => s.Kind == ActivityKind.Server && s.GetTagItem("url.path") as string == "/protected").Subject;
        var jwks = spans.Where(s => s.Kind == ActivityKind.Client && (s.GetTagItem("url.full") as string ?? "").EndsWith("/.well-known/jwks.json", StringComparison.Ordinal)).ToList();
        jwks.Should().Contain(s => s.ParentSpanId == request.SpanId, "the fetch the request waited for is its child");
        jwks.Should().Contain(s => s.Parent == null && s.ParentSpanId == default, "the fetch at start-up is a root of its own");
        var everyTag = spans.SelectMany(s => s.TagObjects).Select(tag => tag.Value?.ToString() ?? string.Empty);
        everyTag.Should().NotContain(value => value.Contains(token.Split('.')[2], StringComparison.Ordinal) || value.Contains("Bearer", StringComparison.Ordinal));
    }

    [Test]
    public async Task Traces_ScheduledRefreshAfterARequestsFetch_IsAClientSpanOfItsOwnRoot()
    {
        var spans = new List<Activity>();
        await using var api = await ApiHost.StartAsync(Tenant, ApiHost.FastRefresh, services: services =>
            services.AddOpenTelemetry().WithTracing(tracing => tracing.AddInMemoryExporter(spans)));
        using var client = api.CreateClient();
        await api.WaitForKeysAsync();
        // A request that waits for a fetch of its own first: the refreshes the schedule runs after it are not its children.
        var rotated = Tenant.RotateKey();
        (await client.GetWithTokenAsync("/protected", Tenant.Token().SignedWith(rotated).Build())).StatusCode.Should().Be(HttpStatusCode.OK);

        // Two more: the loop starts the second only once the first has ended, so at least one is exported whole.
        await Tenant.WaitForFetchesAsync(Tenant.JwksFetches + 2);
        api.Services.GetRequiredService<TracerProvider>().ForceFlush().Should().BeTrue();

        var request = spans.Should().ContainSingle(s => s.Kind == ActivityKind.Server && s.GetTagItem("url.path") as string == "/protected").Subject;
        var scheduled = spans.Where(s => s.Kind == ActivityKind.Client && s.StartTimeUtc > request.StartTimeUtc + request.Duration
            && (s.GetTagItem("url.full") as string ?? "").EndsWith("/.well-known/jwks.json", StringComparison.Ordinal)).ToList();
        scheduled.Should().NotBeEmpty("the schedule fetched after the request, and each fetch is an HTTP client span")
            .And.OnlyContain(s => s.Parent == null && s.ParentSpanId == default && s.TraceId != request.TraceId, "no request waited for these");
    }

    [Test]
    public async Task GetMetrics_PrometheusEndpointOn_ServesTheTextFormat()
    {
        await using var api = await ApiHost.StartAsync(Tenant, new Dictionary<string, string?> { ["Telemetry:PrometheusEndpoint"] = "true" });
        using var client = api.CreateClient();
        await api.WaitForKeysAsync();
        await (await client.GetWithTokenAsync("/protected", "not-a-token")).ShouldBeRefusedAsync(Refusal.Malformed);

        // The exporter answers from a collection it refreshes; poll until the refusal is in it.
        string body = string.Empty;
        await Eventually.UntilAsync(async () =>
        {
            using var response = await client.GetAsync("/metrics");
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            response.Content.Headers.ContentType!.MediaType.Should().Be("text/plain");
            body = await response.Content.ReadAsStringAsync();
            return body.Contains("authaction_tokens_refused", StringComparison.Ordinal);
        }, "the refusal shows in /metrics");

        body.Should().Contain("# TYPE authaction_tokens_refused").And.Contain("reason=\"The token is malformed\"");
    }

    [Test]
    public async Task GetMetrics_PrometheusEndpointOffByDefault_Returns404()
    {
        await using var api = await ApiHost.StartAsync(Tenant);
        using var client = api.CreateClient();

        var response = await client.GetAsync("/metrics");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Start_WithNowhereToExport_RunsNoOpenTelemetryProvider()
    {
        await using var api = await ApiHost.StartAsync(Tenant);

        var providers = (api.Services.GetService<MeterProvider>(), api.Services.GetService<TracerProvider>());

        providers.Should().Be(((MeterProvider?)null, (TracerProvider?)null), "measuring every request costs CPU, so only an exporter switches the SDK on");
    }

    [Test]
    public async Task Start_WithAnOtlpEndpoint_RunsBothProviders()
    {
        // Nothing listens on port 9: the exporter's failures stay inside the SDK, and this test sends nothing anyway.
        await using var api = await ApiHost.StartAsync(Tenant, new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:9" });

        var providers = (api.Services.GetService<MeterProvider>(), api.Services.GetService<TracerProvider>());

        providers.Item1.Should().NotBeNull();
        providers.Item2.Should().NotBeNull();
    }

    [Test]
    public async Task Start_WithoutOtelServiceName_NamesTheServiceAfterTheApp()
    {
        await using var api = await ApiHost.StartAsync(Tenant, services: services =>
            services.AddOpenTelemetry().WithTracing(tracing => tracing.AddInMemoryExporter(new List<Activity>())));

        var resource = api.Services.GetRequiredService<TracerProvider>().GetResource();

        resource.Attributes.Should().Contain(new KeyValuePair<string, object>("service.name", "AuthActionApi"));
    }

    [Test]
    public async Task Start_PrometheusEndpointNotABoolean_FailsNamingTheSetting()
    {
        await using var api = await ApiHost.StartAsync(Tenant, new Dictionary<string, string?> { ["Telemetry:PrometheusEndpoint"] = "yes" });

        api.StartupFailures().Should().ContainSingle().Which.Should().StartWith("Telemetry:PrometheusEndpoint must be true or false: ").And.NotContain("yes");
    }

    private static Metric? Metric(List<Metric> metrics, string name) => metrics.LastOrDefault(m => m.Name == name);

    /// <summary>The latest cumulative sum of a counter per combination of the named tags' values ("a/b").</summary>
    private static Dictionary<string, long> Points(List<Metric> metrics, string name, params string[] tags)
    {
        var metric = Metric(metrics, name) ?? throw new AssertionException($"No metric {name} was exported.");
        tags = tags.Length == 0 ? ["reason"] : tags;
        var points = new Dictionary<string, long>();
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            var values = new Dictionary<string, string?>();
            foreach (var tag in point.Tags)
            {
                values[tag.Key] = tag.Value?.ToString();
            }

            var key = string.Join('/', tags.Select(tag => values.GetValueOrDefault(tag) ?? string.Empty));
            points[key] = point.GetSumLong();
        }

        return points;
    }
}

using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AuthActionApi.Tests.Support;

/// <summary>
/// An OTLP/HTTP backend on a real loopback port, as small as one can be: it takes <c>POST /v1/metrics</c> and
/// <c>POST /v1/traces</c> with <c>application/x-protobuf</c> bodies and answers 200 with an empty body (an empty
/// Export*ServiceResponse), as a collector does. It keeps every body as it arrived; tests decode them to read what a
/// user's backend would hold. Any other content type is kept too, and answered 415.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    public const string ProtobufContentType = "application/x-protobuf";

    private readonly WebApplication _server;
    private readonly ConcurrentQueue<Export> _exports = new();

    private OtlpReceiver(WebApplication server) => _server = server;

    /// <summary>What a user sets <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> to: <c>http://127.0.0.1:{port}</c>, no path.</summary>
    public string Endpoint { get; private set; } = string.Empty;

    /// <summary>Every POST received, oldest first.</summary>
    public IReadOnlyList<Export> Exports => [.. _exports];

    /// <summary>Every metric of every protobuf <c>/v1/metrics</c> body, oldest export first.</summary>
    public IReadOnlyList<OtlpMetric> Metrics => [.. Exports.Where(e => e.Path == "/v1/metrics" && e.IsProtobuf).SelectMany(e => e.Metrics.Value)];

    /// <summary>Every span of every protobuf <c>/v1/traces</c> body, oldest export first.</summary>
    public IReadOnlyList<OtlpSpan> Spans => [.. Exports.Where(e => e.Path == "/v1/traces" && e.IsProtobuf).SelectMany(e => e.Spans.Value)];

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/metrics", receiver.ReceiveAsync);
        app.MapPost("/v1/traces", receiver.ReceiveAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Endpoint = new Uri(address).GetLeftPart(UriPartial.Authority);
        return receiver;
    }

    /// <summary>The latest value of a metric, as a backend charts it: the points of the newest export that holds it.</summary>
    public OtlpMetric? Latest(string name) => Metrics.LastOrDefault(m => m.Name == name);

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync();
        await _server.DisposeAsync();
    }

    private async Task ReceiveAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var export = new Export(context.Request.Path, context.Request.ContentType, body.ToArray());
        _exports.Enqueue(export);
        context.Response.StatusCode = export.IsProtobuf ? StatusCodes.Status200OK : StatusCodes.Status415UnsupportedMediaType;
        context.Response.ContentType = ProtobufContentType;
    }

    /// <summary>One POST as received. Decoded when a test first reads it, so a decoding error fails that test.</summary>
    public sealed class Export(string path, string? contentType, byte[] body)
    {
        public string Path { get; } = path;

        public string? ContentType { get; } = contentType;

        public byte[] Body { get; } = body;

        public bool IsProtobuf => ContentType == ProtobufContentType;

        internal Lazy<IReadOnlyList<OtlpMetric>> Metrics { get; } = new(() => OtlpMetric.ReadExport(body));

        internal Lazy<IReadOnlyList<OtlpSpan>> Spans { get; } = new(() => OtlpSpan.ReadExport(body));

        /// <summary>
        /// The attributes of each resource the export is from (<c>service.name</c>...): resource_metrics or
        /// resource_spans = 1, then its resource = 1, then Resource.attributes = 1.
        /// </summary>
        public IReadOnlyList<IReadOnlyDictionary<string, string>> Resources() =>
            [.. ProtobufReader.Fields(Body).Messages(1).Select(resourceData => OtlpAttributes.Read(resourceData.Messages(1).SelectMany(resource => resource.Messages(1))))];
    }
}

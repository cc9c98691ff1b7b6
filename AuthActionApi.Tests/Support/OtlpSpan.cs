namespace AuthActionApi.Tests.Support;

/// <summary>
/// One span of an OTLP export, as a backend stores it: ids as lower-case hex (the parent's empty for a root), name,
/// kind and attributes. Read from <c>ExportTraceServiceRequest</c> by opentelemetry-proto's field numbers.
/// </summary>
public sealed record OtlpSpan(string TraceId, string SpanId, string ParentSpanId, string Name, OtlpSpan.SpanKind Kind, IReadOnlyDictionary<string, string> Attributes)
{
    /// <summary>Span.SpanKind as opentelemetry-proto numbers it (unlike <see cref="System.Diagnostics.ActivityKind"/>).</summary>
    public enum SpanKind
    {
        Unspecified = 0,
        Internal = 1,
        Server = 2,
        Client = 3,
        Producer = 4,
        Consumer = 5,
    }

    /// <summary>
    /// Every span of one <c>ExportTraceServiceRequest</c> body: resource_spans = 1, then ResourceSpans.scope_spans = 2,
    /// then ScopeSpans.spans = 2.
    /// </summary>
    public static IReadOnlyList<OtlpSpan> ReadExport(ReadOnlyMemory<byte> body) =>
        [.. ProtobufReader.Fields(body).Messages(1)
            .SelectMany(resourceSpans => resourceSpans.Messages(2))
            .SelectMany(scopeSpans => scopeSpans.Messages(2))
            .Select(Read)];

    /// <summary>Span: trace_id = 1, span_id = 2, parent_span_id = 4, name = 5, kind = 6, attributes = 9.</summary>
    private static OtlpSpan Read(IReadOnlyList<ProtobufReader.Field> span) => new(
        span.One(1)?.AsHex() ?? string.Empty,
        span.One(2)?.AsHex() ?? string.Empty,
        span.One(4)?.AsHex() ?? string.Empty,
        span.One(5)?.AsString() ?? string.Empty,
        (SpanKind)(span.One(6)?.AsInt64() ?? 0),
        OtlpAttributes.Read(span.Messages(9)));
}

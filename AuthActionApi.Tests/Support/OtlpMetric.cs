namespace AuthActionApi.Tests.Support;

/// <summary>
/// One metric of an OTLP export, as a backend stores it: its name, its kind, and its data points with their
/// attributes. Read from <c>ExportMetricsServiceRequest</c> by opentelemetry-proto's field numbers.
/// </summary>
public sealed record OtlpMetric(string Name, OtlpMetric.Kind Type, IReadOnlyList<OtlpMetric.Point> Points)
{
    /// <summary>Which field of Metric's <c>data</c> oneof held the points.</summary>
    public enum Kind
    {
        Other,
        Gauge,
        Sum,
        Histogram,
    }

    /// <summary>
    /// Every metric of one <c>ExportMetricsServiceRequest</c> body: resource_metrics = 1, then
    /// ResourceMetrics.scope_metrics = 2, then ScopeMetrics.metrics = 2.
    /// </summary>
    public static IReadOnlyList<OtlpMetric> ReadExport(ReadOnlyMemory<byte> body) =>
        [.. ProtobufReader.Fields(body).Messages(1)
            .SelectMany(resourceMetrics => resourceMetrics.Messages(2))
            .SelectMany(scopeMetrics => scopeMetrics.Messages(2))
            .Select(Read)];

    /// <summary>Metric: name = 1; gauge = 5, sum = 7, histogram = 9, each with data_points = 1.</summary>
    private static OtlpMetric Read(IReadOnlyList<ProtobufReader.Field> metric)
    {
        var name = metric.One(1)?.AsString() ?? string.Empty;
        if (metric.One(9) is { } histogram)
        {
            return new(name, Kind.Histogram, [.. histogram.AsMessage().Messages(1).Select(ReadHistogramPoint)]);
        }

        var (kind, data) = metric.One(7) is { } sum ? (Kind.Sum, sum) : metric.One(5) is { } gauge ? (Kind.Gauge, gauge) : (Kind.Other, (ProtobufReader.Field?)null);
        return new(name, kind, data is { } points ? [.. points.AsMessage().Messages(1).Select(ReadNumberPoint)] : []);
    }

    /// <summary>NumberDataPoint: attributes = 7, as_double = 4 (double), as_int = 6 (sfixed64).</summary>
    private static Point ReadNumberPoint(IReadOnlyList<ProtobufReader.Field> point) => new(
        OtlpAttributes.Read(point.Messages(7)), point.One(6)?.AsSFixed64(), point.One(4)?.AsDouble(), Count: null);

    /// <summary>HistogramDataPoint: attributes = 9, count = 4 (fixed64).</summary>
    private static Point ReadHistogramPoint(IReadOnlyList<ProtobufReader.Field> point) => new(
        OtlpAttributes.Read(point.Messages(9)), AsInt: null, AsDouble: null, point.One(4)?.AsFixed64() ?? 0);

    /// <summary>One time series: its attributes and its value (a number, or a histogram's count of measurements).</summary>
    public sealed record Point(IReadOnlyDictionary<string, string> Attributes, long? AsInt, double? AsDouble, ulong? Count);
}

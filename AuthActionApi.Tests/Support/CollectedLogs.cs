using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;

namespace AuthActionApi.Tests.Support;

/// <summary>A Serilog sink that keeps every event the app writes, so tests can read the log as an operator would.</summary>
public sealed class CollectedLogs : ILogEventSink
{
    private readonly ConcurrentQueue<LogEvent> _events = new();

    public IReadOnlyList<LogEvent> Events => [.. _events];

    public void Emit(LogEvent logEvent) => _events.Enqueue(logEvent);

    public IEnumerable<LogEvent> From(string sourceContext) =>
        Events.Where(e => e.Properties.TryGetValue("SourceContext", out var value)
            && value is ScalarValue { Value: string context } && context == sourceContext);

    /// <summary>The events of one event id, as <c>[LoggerMessage(EventId = ...)]</c> gives it.</summary>
    public IEnumerable<LogEvent> WithEventId(int id) =>
        Events.Where(e => e.Properties.TryGetValue("EventId", out var value)
            && value is StructureValue structure
            && structure.Properties.Any(p => p.Name == "Id" && p.Value is ScalarValue { Value: int logged } && logged == id));

    /// <summary>The events written while serving the request whose problem body carried <paramref name="traceId"/>.</summary>
    public IEnumerable<LogEvent> WithTraceId(string traceId) =>
        Events.Where(e => e.Properties.TryGetValue("TraceId", out var value) && value is ScalarValue { Value: string logged } && logged == traceId);

    /// <summary>Every event rendered as text, with all its properties: what would reach any sink.</summary>
    public string RenderAll() => string.Join(
        Environment.NewLine,
        Events.Select(e => e.RenderMessage() + " " + string.Join(" ", e.Properties.Select(p => $"{p.Key}={p.Value}")) + " " + e.Exception));
}

using System.Buffers;
using System.Globalization;
using System.Text;
using Serilog.Core;
using Serilog.Events;

namespace AuthActionApi.Logging;

/// <summary>
/// Escapes control characters in every string a log event carries, so a value that came from a request (a path
/// with <c>%0A</c>, a header, a claim) can never start a forged line or send a terminal escape to the console.
/// <c>\n</c>, <c>\r</c> and <c>\t</c> become those two-character escapes, every other C0 and C1 control, DEL and the
/// Unicode line and paragraph separators become <c>\uXXXX</c>. Runs last, after every other enricher; strings
/// without such characters are left as they are, without a copy.
/// </summary>
internal sealed class ControlCharacterEscaper : ILogEventEnricher
{
    private static readonly SearchValues<char> s_unsafe = SearchValues.Create(
        string.Concat(Enumerable.Range(0, 0x20).Select(c => (char)c)) + "\x7f"
        + string.Concat(Enumerable.Range(0x80, 0x20).Select(c => (char)c)) + "\u2028\u2029");

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        List<LogEventProperty>? replaced = null;
        foreach (var (name, value) in logEvent.Properties)
        {
            if (Escape(value) is { } escaped)
            {
                (replaced ??= []).Add(new LogEventProperty(name, escaped));
            }
        }

        foreach (var property in replaced ?? [])
        {
            logEvent.AddOrUpdateProperty(property);
        }
    }

    /// <summary>The value with its strings escaped, or <see langword="null"/> when nothing needed it.</summary>
    private static LogEventPropertyValue? Escape(LogEventPropertyValue value) => value switch
    {
        ScalarValue { Value: string text } when text.AsSpan().ContainsAny(s_unsafe) => new ScalarValue(Escape(text)),
        SequenceValue sequence => EscapeAll(sequence.Elements) is { } elements ? new SequenceValue(elements) : null,
        StructureValue structure => EscapeAll(structure.Properties) is { } properties ? new StructureValue(properties, structure.TypeTag) : null,
        DictionaryValue dictionary => EscapeAll(dictionary.Elements) is { } elements ? new DictionaryValue(elements) : null,
        _ => null,
    };

    private static LogEventPropertyValue[]? EscapeAll(IReadOnlyList<LogEventPropertyValue> values)
    {
        LogEventPropertyValue[]? escaped = null;
        for (var i = 0; i < values.Count; i++)
        {
            if (Escape(values[i]) is { } value)
            {
                escaped ??= [.. values];
                escaped[i] = value;
            }
        }

        return escaped;
    }

    private static LogEventProperty[]? EscapeAll(IReadOnlyList<LogEventProperty> properties)
    {
        LogEventProperty[]? escaped = null;
        for (var i = 0; i < properties.Count; i++)
        {
            if (Escape(properties[i].Value) is { } value)
            {
                escaped ??= [.. properties];
                escaped[i] = new LogEventProperty(properties[i].Name, value);
            }
        }

        return escaped;
    }

    private static KeyValuePair<ScalarValue, LogEventPropertyValue>[]? EscapeAll(IReadOnlyDictionary<ScalarValue, LogEventPropertyValue> elements)
    {
        var changed = false;
        var escaped = elements.Select(pair =>
        {
            var key = Escape(pair.Key) as ScalarValue;
            var value = Escape(pair.Value);
            changed |= key is not null || value is not null;
            return KeyValuePair.Create(key ?? pair.Key, value ?? pair.Value);
        }).ToArray();
        return changed ? escaped : null;
    }

    public static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            _ = c switch
            {
                '\n' => escaped.Append("\\n"),
                '\r' => escaped.Append("\\r"),
                '\t' => escaped.Append("\\t"),
                _ when s_unsafe.Contains(c) => escaped.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
                _ => escaped.Append(c),
            };
        }

        return escaped.ToString();
    }
}

using System.Globalization;

namespace AuthActionApi.Tests.Support;

/// <summary>
/// OTLP attributes (<c>repeated KeyValue</c>: key = 1, value = 2, an <c>AnyValue</c>) as key and text: a string as
/// it is, a bool, integer or double as invariant text, an array as its items joined by commas.
/// </summary>
internal static class OtlpAttributes
{
    public static IReadOnlyDictionary<string, string> Read(IEnumerable<IReadOnlyList<ProtobufReader.Field>> keyValues) =>
        keyValues.ToDictionary(kv => kv.One(1)?.AsString() ?? string.Empty, kv => kv.One(2) is { } value ? Text(value.AsMessage()) : string.Empty);

    /// <summary>AnyValue: string_value = 1, bool_value = 2, int_value = 3, double_value = 4, array_value = 5 (ArrayValue.values = 1).</summary>
    private static string Text(IReadOnlyList<ProtobufReader.Field> anyValue) => (anyValue.Count > 0 ? anyValue[^1] : default) switch
    {
        { Number: 1 } value => value.AsString(),
        { Number: 2 } value => value.AsBool() ? "true" : "false",
        { Number: 3 } value => value.AsInt64().ToString(CultureInfo.InvariantCulture),
        { Number: 4 } value => value.AsDouble().ToString(CultureInfo.InvariantCulture),
        { Number: 5 } value => string.Join(',', value.AsMessage().Messages(1).Select(Text)),
        _ => string.Empty,
    };
}

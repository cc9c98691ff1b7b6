using System.Globalization;
using System.Text;

namespace AuthActionApi.Settings;

/// <summary>A configured value the configuration binder cannot convert to the type of the property it binds to.</summary>
/// <param name="Path">Where the value is in the configuration, spelled as configured: what to leave out when binding.</param>
/// <param name="Key">The key under its section, spelled as the property path: <c>Jwks:RefreshesPerMinute</c>.</param>
/// <param name="Value">The value as configured.</param>
/// <param name="Type">The type it had to convert to.</param>
/// <param name="Example">A value that would convert: the property's default, else one for the type.</param>
internal sealed record UnparseableSetting(string Path, string Key, string Value, Type Type, string? Example)
{
    // Long enough to recognise the value, short enough that a pasted secret or document does not fill the log.
    private const int ShownLength = 40;

    /// <summary>Follows the key in the operator's sentence: <c>must be a time span ([d.]hh:mm:ss), not "30s"</c>.</summary>
    public string Problem => $"must be {Expected(Nullable.GetUnderlyingType(Type) ?? Type)}, not {Quote(Value)}";

    /// <summary>
    /// The value in quotes, cut after about <see cref="ShownLength"/> characters, with control and formatting
    /// characters escaped so a value can neither break the log line nor hide what it holds.
    /// </summary>
    public static string Quote(string value)
    {
        var text = new StringBuilder("\"");
        foreach (var c in value)
        {
            if (text.Length > ShownLength && !char.IsLowSurrogate(c))
            {
                text.Append("...");
                break;
            }

            text.Append(c switch
            {
                '\n' => @"\n",
                '\r' => @"\r",
                '\t' => @"\t",
                '"' => "\\\"",
                '\\' => @"\\",
                _ when char.IsControl(c) || char.GetUnicodeCategory(c) == UnicodeCategory.Format
                    => @"\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }

        return text.Append('"').ToString();
    }

    private static string Expected(Type type) => type switch
    {
        _ when type == typeof(bool) => "true or false",
        _ when type == typeof(TimeSpan) => "a time span ([d.]hh:mm:ss)",
        _ when type == typeof(sbyte) || type == typeof(byte) || type == typeof(short) || type == typeof(ushort)
            || type == typeof(int) || type == typeof(uint) || type == typeof(long) || type == typeof(ulong) => "a whole number",
        _ when type == typeof(float) || type == typeof(double) || type == typeof(decimal) => "a number",
        _ when type == typeof(Uri) => "a URI",
        _ when type == typeof(Guid) => "a GUID",
        _ when type == typeof(DateTime) || type == typeof(DateTimeOffset) => "a date and time",
        _ when type == typeof(byte[]) => "base64",
        { IsEnum: true } => "one of " + string.Join(", ", Enum.GetNames(type)),
        _ => $"a {type.Name} value",
    };
}

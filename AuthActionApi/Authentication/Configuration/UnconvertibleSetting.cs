using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace AuthActionApi.Authentication.Configuration;

/// <summary>
/// A configured value the configuration binder cannot convert to its property's type (<c>30s</c> for a time span),
/// turned from the binder's exception into the one line validation reports, instead of a stack trace while the
/// options are created.
/// </summary>
internal static partial class UnconvertibleSetting
{
    // Beside the options instance it was found binding, until validation reports it; it goes with the instance.
    private static readonly ConditionalWeakTable<object, string> s_found = [];

    /// <summary>
    /// Binds <paramref name="options"/> from <paramref name="section"/> as <c>BindConfiguration</c> does, except that the
    /// binder's conversion error is kept for <see cref="Find"/>: binding stops at that value, and the settings after
    /// it keep their defaults.
    /// </summary>
    public static void Bind(IConfigurationSection section, object options)
    {
        try
        {
            section.Bind(options);
        }
        catch (InvalidOperationException ex) when (ConversionError().Match(ex.Message) is { Success: true } match)
        {
            // The key only: the binder's message also quotes the value, which may be a secret, raw, control characters and all.
            s_found.AddOrUpdate(options, Describe(section.Path, match.Groups["key"].Value, match.Groups["type"].Value, options.GetType()));
        }
    }

    /// <summary>The line for the value <see cref="Bind"/> could not convert into <paramref name="options"/>, if any.</summary>
    public static string? Find(object options) => s_found.TryGetValue(options, out var line) ? line : null;

    private static string Describe(string section, string key, string typeName, Type optionsType)
    {
        var property = PropertyAt(optionsType, key.Length > section.Length ? key[(section.Length + 1)..] : key);
        var type = property is null ? null : Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        var expected = type switch
        {
            _ when type == typeof(TimeSpan) => "a time span ([d.]hh:mm:ss)",
            _ when type == typeof(int) || type == typeof(long) => "a whole number",
            _ when type == typeof(bool) => "true or false",
            _ => $"a value of type {type?.Name ?? typeName}",
        };
        return SettingProblem.Describe(key, $"must be {expected}{RangeOf(property)}");
    }

    // The range the property's [Range] declares, worded as the source-generated validator words it.
    private static string RangeOf(PropertyInfo? property) => property?.GetCustomAttribute<RangeAttribute>() is { } range
        ? $" between {range.Minimum}{(range.MinimumIsExclusive ? " exclusive" : string.Empty)} and {range.Maximum}{(range.MaximumIsExclusive ? " exclusive" : string.Empty)}"
        : string.Empty;

    private static PropertyInfo? PropertyAt(Type type, string path)
    {
        PropertyInfo? property = null;
        foreach (var name in path.Split(':'))
        {
            property = type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null)
            {
                // An element of a list or a dictionary: the binder's type name stands in.
                return null;
            }

            type = property.PropertyType;
        }

        return property;
    }

    // Anchored at the end: the value, quoted earlier in the message, may itself hold "at '...' to type '...'".
    [GeneratedRegex(@" at '(?<key>[^']*)' to type '(?<type>[^']*)'\.$", RegexOptions.CultureInvariant)]
    private static partial Regex ConversionError();
}

using System.ComponentModel;
using System.Globalization;
using System.Reflection;

namespace AuthActionApi.Settings;

/// <summary>
/// Finds the configured values that the configuration binder could not convert, before it tries: the binder throws
/// on the first one while the options are created, which ends the app with a stack trace instead of a sentence.
/// It converts exactly as the binder does (<see cref="TypeConverter.ConvertFromInvariantString(string)"/> of the
/// property's type), through nested option classes, lists and dictionaries.
/// </summary>
internal static class SettingValues
{
    /// <summary>Every value under <paramref name="section"/> that would not convert to the <paramref name="optionsType"/> property it sets.</summary>
    public static IReadOnlyList<UnparseableSetting> FindUnparseable(IConfigurationSection section, Type optionsType)
    {
        var found = new List<UnparseableSetting>();
        CheckChildren(section, optionsType, key: null, DefaultOf(optionsType), found);
        return found;
    }

    private static void Check(IConfigurationSection section, Type type, string key, object? defaults, List<UnparseableSetting> found)
    {
        if (typeof(IConfiguration).IsAssignableFrom(type))
        {
            // Bound as the section itself, never converted.
            return;
        }

        if (section.Value is { } value && TryConvert(type, value) is { } converted)
        {
            if (!converted)
            {
                found.Add(new UnparseableSetting(section.Path, key, value, type, Example(type, defaults)));
            }

            return;
        }

        CheckChildren(section, type, key, defaults, found);
    }

    private static void CheckChildren(IConfigurationSection section, Type type, string? key, object? defaults, List<UnparseableSetting> found)
    {
        if (ElementType(type) is { } elementType)
        {
            // The binder skips an element it cannot convert without a word, which is as silent a misconfiguration
            // as there is: it is reported here like any other value.
            foreach (var element in section.GetChildren())
            {
                Check(element, elementType, Join(key, element.Key), DefaultOf(elementType), found);
            }

            return;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetMethod is not { IsPublic: true } || property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            var name = property.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? property.Name;
            var child = section.GetSection(name);
            if (child.Exists())
            {
                Check(child, property.PropertyType, Join(key, name), DefaultOf(property, defaults), found);
            }
        }
    }

    /// <summary>Null when the binder would not convert the value at all (it binds the children instead).</summary>
    private static bool? TryConvert(Type type, string value)
    {
        if (type == typeof(object))
        {
            return true;
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return value.Length == 0 || TryConvert(underlying, value) is not false;
        }

        var converter = TypeDescriptor.GetConverter(type);
        if (converter.CanConvertFrom(typeof(string)))
        {
            try
            {
                converter.ConvertFromInvariantString(value);
                return true;
            }
            catch (Exception)
            {
                // Any exception at all, as the binder treats it.
                return false;
            }
        }

        if (type == typeof(byte[]))
        {
            return Convert.TryFromBase64String(value, new byte[value.Length], out _);
        }

        return null;
    }

    private static Type? ElementType(Type type)
    {
        if (type == typeof(string) || type == typeof(byte[]))
        {
            return null;
        }

        if (type.IsArray)
        {
            return type.GetElementType();
        }

        Type[] interfaces = type.IsInterface ? [type, .. type.GetInterfaces()] : type.GetInterfaces();
        var generic = interfaces.Where(i => i.IsGenericType).ToList();
        var dictionary = generic.FirstOrDefault(i => i.GetGenericTypeDefinition() == typeof(IDictionary<,>)
            || i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>));
        if (dictionary is not null)
        {
            return dictionary.GetGenericArguments()[1];
        }

        return generic.FirstOrDefault(i => i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
    }

    private static object? DefaultOf(Type type) =>
        type.IsClass && type != typeof(string) && !type.IsAbstract && type.GetConstructor(Type.EmptyTypes) is not null
            ? Activator.CreateInstance(type)
            : null;

    // Only settings are read: a computed property (AuthActionOptions.Authority) may throw on an unvalidated instance.
    private static object? DefaultOf(PropertyInfo property, object? defaults) =>
        defaults is not null && property.SetMethod is { IsPublic: true } ? property.GetValue(defaults) : null;

    private static string? Example(Type type, object? defaultValue)
    {
        var plain = Nullable.GetUnderlyingType(type) ?? type;
        return defaultValue switch
        {
            bool flag => flag ? "true" : "false",
            string or null => ExampleFor(plain),
            _ when plain.IsEnum || plain.IsPrimitive || plain == typeof(TimeSpan) || plain == typeof(decimal)
                => TypeDescriptor.GetConverter(plain).ConvertToInvariantString(defaultValue),
            _ => ExampleFor(plain),
        };
    }

    private static string? ExampleFor(Type type) => type switch
    {
        _ when type == typeof(bool) => "true",
        _ when type == typeof(TimeSpan) => "00:00:30",
        _ when type == typeof(Uri) => "https://example.com/",
        { IsEnum: true } => Enum.GetNames(type).FirstOrDefault(),
        { IsPrimitive: true } => Convert.ToString(1, CultureInfo.InvariantCulture),
        _ => null,
    };

    private static string Join(string? key, string name) => key is null ? name : $"{key}:{name}";
}

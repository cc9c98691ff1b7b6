using Microsoft.Extensions.Options;

namespace AuthActionApi.Settings;

/// <summary>
/// Binds the options from their section as <c>BindConfiguration</c> does, leaving out the values the binder could not
/// convert: those keep their defaults, and <see cref="UnparseableSettingsValidator{TOptions}"/> reports them. Binding
/// the rest keeps the other validators to real problems, with no "is missing" beside a value that is only misspelt.
/// </summary>
internal sealed class ParseableSettingsBinder<TOptions>(string? optionsName, IConfiguration configuration, string sectionPath)
    : IConfigureNamedOptions<TOptions>
    where TOptions : class
{
    public void Configure(TOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, TOptions options)
    {
        if (optionsName is not null && name != optionsName)
        {
            return;
        }

        var section = configuration.GetSection(sectionPath);
        var unparseable = SettingValues.FindUnparseable(section, typeof(TOptions));
        if (unparseable.Count == 0)
        {
            section.Bind(options);
            return;
        }

        var left = unparseable.Select(setting => setting.Path).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var parseable = new ConfigurationBuilder()
            .AddInMemoryCollection(section.AsEnumerable().Where(pair => !left.Contains(pair.Key)))
            .Build();
        parseable.GetSection(sectionPath).Bind(options);
    }
}

using Microsoft.Extensions.Options;

namespace AuthActionApi.Settings;

/// <summary>Binding that turns a value the configuration binder cannot convert into a validation failure.</summary>
internal static class CheckedConfigurationExtensions
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> from <paramref name="sectionPath"/> as <c>BindConfiguration</c> does, except
    /// that a value that does not convert to its property's type (<c>30s</c> for a time span) is left at its default
    /// and reported as a validation failure naming the key, instead of throwing while the options are created.
    /// </summary>
    /// <param name="builder">The options to bind.</param>
    /// <param name="sectionPath">The configuration section, such as <c>AuthAction</c>.</param>
    /// <param name="inEffect">
    /// When the settings matter, asked of the app's services; while it returns false, unconvertible values are left at
    /// their defaults unreported. Default: always.
    /// </param>
    public static OptionsBuilder<TOptions> BindCheckedConfiguration<TOptions>(
        this OptionsBuilder<TOptions> builder,
        string sectionPath,
        Func<IServiceProvider, bool>? inEffect = null)
        where TOptions : class
    {
        var name = builder.Name;
        var services = builder.Services;
        services.AddSingleton<IConfigureOptions<TOptions>>(provider =>
            new ParseableSettingsBinder<TOptions>(name, provider.GetRequiredService<IConfiguration>(), sectionPath));
        services.AddSingleton<IOptionsChangeTokenSource<TOptions>>(provider =>
            new ConfigurationChangeTokenSource<TOptions>(name, provider.GetRequiredService<IConfiguration>()));
        services.AddSingleton<IValidateOptions<TOptions>>(provider => new UnparseableSettingsValidator<TOptions>(
            name, sectionPath, provider.GetRequiredService<IConfiguration>(), () => inEffect?.Invoke(provider) ?? true));
        return builder;
    }
}

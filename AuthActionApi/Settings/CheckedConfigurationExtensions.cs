using AuthActionApi.Authentication.Configuration;
using Microsoft.Extensions.Options;

namespace AuthActionApi.Settings;

/// <summary>
/// The sample's own settings, bound as <c>AddAuthAction</c> binds AuthAction's: a value the configuration binder cannot
/// convert is a validation failure naming the key, not a stack trace. Also the one place that reads settings before
/// the app's services exist, and the one that reads them before they are validated.
/// </summary>
internal static class CheckedConfigurationExtensions
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> from <paramref name="sectionPath"/> as <c>BindConfiguration</c> does, except
    /// that a value that does not convert to its property's type (<c>30s</c> for a time span) stops binding there and
    /// is reported as a validation failure naming the key and what it takes, instead of throwing.
    /// </summary>
    /// <param name="builder">The options to bind.</param>
    /// <param name="sectionPath">The configuration section, such as <c>Shutdown</c>.</param>
    /// <param name="inEffect">
    /// When the settings matter, asked of the app's services; while it returns false, an unconvertible value is not
    /// reported. Default: always.
    /// </param>
    public static OptionsBuilder<TOptions> BindCheckedConfiguration<TOptions>(
        this OptionsBuilder<TOptions> builder,
        string sectionPath,
        Func<IServiceProvider, bool>? inEffect = null)
        where TOptions : class
    {
        var name = builder.Name;
        builder.Configure<IConfiguration>((options, configuration) => UnconvertibleSetting.Bind(configuration.GetSection(sectionPath), options));
        builder.Services.AddSingleton<IOptionsChangeTokenSource<TOptions>>(provider =>
            new ConfigurationChangeTokenSource<TOptions>(name, provider.GetRequiredService<IConfiguration>()));
        builder.Services.AddSingleton<IValidateOptions<TOptions>>(provider =>
            new UnconvertibleValidator<TOptions>(name, () => inEffect?.Invoke(provider) ?? true));
        return builder;
    }

    /// <summary>
    /// <typeparamref name="TOptions"/> bound from <paramref name="sectionPath"/> as <see cref="BindCheckedConfiguration"/>
    /// binds them, for a decision taken while the app is wired, before there are services to ask: an unconvertible
    /// value keeps its default here, and stops start-up when the options are validated.
    /// </summary>
    public static TOptions GetChecked<TOptions>(this IConfiguration configuration, string sectionPath)
        where TOptions : new()
    {
        var options = new TOptions();
        UnconvertibleSetting.Bind(configuration.GetSection(sectionPath), options);
        return options;
    }

    /// <summary>
    /// The options, or null while they fail validation: for what is built before <c>RunApiAsync</c> reports bad
    /// settings (the host's own options, another concern's options), so it neither throws a stack trace nor reports
    /// the same mistake a second time.
    /// </summary>
    public static TOptions? ValueOrNull<TOptions>(this IOptions<TOptions> options)
        where TOptions : class
    {
        try
        {
            return options.Value;
        }
        catch (OptionsValidationException)
        {
            return null;
        }
    }

    private sealed class UnconvertibleValidator<TOptions>(string? optionsName, Func<bool> inEffect) : IValidateOptions<TOptions>
        where TOptions : class
    {
        public ValidateOptionsResult Validate(string? name, TOptions options) =>
            (optionsName is not null && name != optionsName) || !inEffect() ? ValidateOptionsResult.Skip
            : UnconvertibleSetting.Find(options) is { } line ? ValidateOptionsResult.Fail(line)
            : ValidateOptionsResult.Success;
    }
}

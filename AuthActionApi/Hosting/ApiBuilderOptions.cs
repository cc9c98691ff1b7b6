namespace AuthActionApi.Hosting;

/// <summary>How <c>Program</c> creates its builder: the content root is the app's own folder, wherever it is started from.</summary>
public static class ApiBuilderOptions
{
    private const string SettingsFile = "appsettings.json";

    /// <summary>
    /// The builder's options for these command-line arguments. The host's default content root is the working
    /// directory, so <c>cd / &amp;&amp; dotnet /app/AuthActionApi.dll</c> (a systemd unit with no
    /// <c>WorkingDirectory</c>) would find no <c>appsettings*.json</c> and run on built-in defaults. The app's own folder
    /// is used instead when its settings file is there. A content root given on purpose (<c>--contentRoot</c>,
    /// <c>ASPNETCORE_CONTENTROOT</c>, <c>DOTNET_CONTENTROOT</c>, or a test host's) still wins.
    /// </summary>
    public static WebApplicationOptions Create(string[] args)
    {
        // The same sources, in the same order, as the host reads its own content root from.
        var given = new ConfigurationBuilder()
            .AddEnvironmentVariables("DOTNET_")
            .AddEnvironmentVariables("ASPNETCORE_")
            .AddCommandLine(args)
            .Build()[HostDefaults.ContentRootKey];
        var appFolder = AppContext.BaseDirectory;
        return new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = string.IsNullOrEmpty(given) && File.Exists(Path.Combine(appFolder, SettingsFile)) ? appFolder : null,
        };
    }
}

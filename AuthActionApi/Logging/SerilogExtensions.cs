using System.Globalization;
using AuthActionApi.Authentication.Configuration;
using AuthActionApi.Authentication.Refusals;
using AuthActionApi.Hosting;
using AuthActionApi.Settings;
using Microsoft.Extensions.Options;
using Serilog;
using Serilog.Events;
using Serilog.Extensions.Hosting;
using Serilog.Extensions.Logging;
using Serilog.Settings.Configuration;

namespace AuthActionApi.Logging;

/// <summary>Serilog for every log line, configured from the <c>Serilog</c> section.</summary>
public static class SerilogExtensions
{
    private const string ConsoleTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    private static readonly string[] s_statusReasons = [.. Enumerable.Range(0, 600).Select(status => $"HTTP {status}")];

    // The sink packages this app ships, named. Left to itself, Serilog reads the whole dependency manifest
    // (.deps.json) at start and loads every assembly with "Serilog" in its name, the File and Debug sinks and the
    // compact formatter among them, which no setting uses. A sink package of your own is named in Serilog:Using.
    private static readonly ConfigurationReaderOptions s_sinkAssemblies =
        new(typeof(ConsoleLoggerConfigurationExtensions).Assembly, typeof(LoggerConfigurationAsyncExtensions).Assembly);

    /// <summary>
    /// Routes all logging through Serilog, read from configuration (sinks, levels, overrides) and from any
    /// <c>ILogEventSink</c> registered in DI. Serilog is the one provider of Microsoft.Extensions.Logging's own
    /// <see cref="ILoggerFactory"/>, which hands out one logger per category: ASP.NET Core asks for one on every
    /// request (each authentication handler is created per request and names its logger), and Serilog's own factory,
    /// the one <c>services.AddSerilog</c> registers, builds a new one on every call. The logger belongs to this host
    /// alone: no static bootstrap logger, and the static <c>Log.Logger</c> is left untouched, so hosts running side by
    /// side (parallel WebApplicationFactory tests) neither share each other's sinks nor silence each other when one stops.
    /// </summary>
    public static WebApplicationBuilder AddApiLogging(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        // Created on first use and disposed with the container, which flushes the asynchronous sink.
        builder.Services.AddSingleton<Serilog.ILogger>(services => WithoutSettingsDefaults(new LoggerConfiguration(), configuration.GetSection("Serilog"))
            .ReadFrom.Configuration(configuration, s_sinkAssemblies)
            .ReadFrom.Services(services)
            .Enrich.FromLogContext()
            // RunApiAsync says this in one line; the host's own copy is a stack trace.
            .Filter.ByExcluding(line => AddressInUse.Is(line.Exception))
            // Last, so it sees every property the others added.
            .Enrich.With<ControlCharacterEscaper>()
            .CreateLogger());
        // The default providers (console, debug, event source) would write every line a second time.
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<ILoggerProvider>(services => new SerilogLoggerProvider(services.GetRequiredService<Serilog.ILogger>()));
        // Levels are Serilog's to decide, from its own section; the factory passes everything on.
        builder.Logging.AddFilter<SerilogLoggerProvider>(null, LogLevel.Trace);
        // Serilog stamps every event with the current trace and span itself; the host's default would add them
        // again as SpanId and ParentId properties, on every line, at a cost per line.
        builder.Logging.Configure(options => options.ActivityTrackingOptions = ActivityTrackingOptions.None);
        // What UseSerilogRequestLogging collects a request's properties in.
        builder.Services.AddSingleton(services => new DiagnosticContext(services.GetRequiredService<Serilog.ILogger>()));
        builder.Services.AddSingleton<IDiagnosticContext>(services => services.GetRequiredService<DiagnosticContext>());

        builder.Services.AddOptions<RefusalLogOptions>().BindCheckedConfiguration(RefusalLogOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<RefusalLogOptions>>(
            new SectionAnnotationsValidator<RefusalLogOptions, RefusalLogOptionsAnnotations>(RefusalLogOptions.SectionName));
        return builder;
    }

    /// <summary>
    /// What Serilog does when no configuration says otherwise (no appsettings.json found, or one without a
    /// <c>Serilog</c> section): warnings and errors to the console, and the host's start and stop lines, so an app
    /// run without its settings is never silent about a failure, and still writes nothing per request.
    /// </summary>
    private static LoggerConfiguration WithoutSettingsDefaults(LoggerConfiguration logger, IConfigurationSection serilog)
    {
        if (!serilog.GetSection("MinimumLevel").Exists())
        {
            logger.MinimumLevel.Warning().MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information);
        }

        // The same console line as appsettings.json writes: time, level, category, message; properties go to structured sinks.
        return serilog.GetSection("WriteTo").Exists()
            ? logger
            : logger.WriteTo.Console(outputTemplate: ConsoleTemplate, formatProvider: CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// One line per request. Successful requests log at Debug, so the production level (Information) keeps
    /// the hot path free of logging; other 4xx at Information, server errors at Error, each within
    /// <see cref="LogThrottle"/>'s budget per status code. A refusal whose own line the authentication or
    /// authorization code wrote (401, 403, 503 for missing keys) is not logged twice. To log every request in
    /// Production, set <c>Serilog:MinimumLevel:Override:Serilog.AspNetCore.RequestLoggingMiddleware</c> to
    /// <c>Debug</c> (environment: <c>Serilog__MinimumLevel__Override__Serilog.AspNetCore.RequestLoggingMiddleware=Debug</c>).
    /// </summary>
    /// <param name="app">The app.</param>
    /// <param name="quietPaths">Paths polled by machines (health probes), whose refusals log at Debug too.</param>
    public static WebApplication UseApiRequestLogging(this WebApplication app, params PathString[] quietPaths)
    {
        app.UseSerilogRequestLogging(options =>
        {
            // This app's logger, contextualised once. Left unset, the middleware derives a new logger from the
            // static Log.Logger on every request, and a second app in the same process would log through the first.
            options.Logger = app.Services.GetRequiredService<Serilog.ILogger>();
            // Resolved on first use: the pipeline is built before RunApiAsync checks the settings the throttle reads.
            var throttle = new Lazy<LogThrottle>(app.Services.GetRequiredService<LogThrottle>);
            options.GetLevel = (http, _, exception) =>
                exception is not null ? LogEventLevel.Error
                : http.Response.StatusCode < 400 ? LogEventLevel.Debug
                // Probes poll every few seconds; an unready instance already logs why at Error from the key source.
                : IsQuiet(http.Request.Path, quietPaths) ? LogEventLevel.Debug
                : RefusalRecorder.WasRecorded(http) ? LogEventLevel.Debug
                : !throttle.Value.ShouldWrite(StatusReason(http.Response.StatusCode)) ? LogEventLevel.Debug
                : http.Response.StatusCode >= 500 ? LogEventLevel.Error
                : LogEventLevel.Information;
        });
        return app;
    }

    private static bool IsQuiet(PathString path, PathString[] quietPaths)
    {
        foreach (var quiet in quietPaths)
        {
            if (path.StartsWithSegments(quiet))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The throttle's reason for a status code: one fixed string each, built once.</summary>
    private static string StatusReason(int status) => status is >= 0 and < 600 ? s_statusReasons[status] : "HTTP other";
}

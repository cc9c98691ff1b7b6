using Microsoft.Extensions.Options;

namespace AuthActionApi.Hosting;

/// <summary>
/// Runs the app, turns a configuration mistake into one clear line instead of a stack trace, and makes a host
/// that stopped because something failed exit non-zero, so a supervisor sees a crash and not a clean exit.
/// </summary>
public static partial class RunExtensions
{
    /// <summary>Exit code for a configuration error (sysexits.h <c>EX_CONFIG</c>).</summary>
    public const int ConfigurationErrorExitCode = 78;

    /// <summary>
    /// Exit code for a host that stopped because part of the app failed (sysexits.h <c>EX_SOFTWARE</c>): a
    /// background service threw, and the host stopped as <c>BackgroundServiceExceptionBehavior.StopHost</c> says.
    /// </summary>
    public const int SoftwareErrorExitCode = 70;

    /// <summary>
    /// Exit code for an address to listen on that another process already holds (sysexits.h <c>EX_OSERR</c>: the
    /// operating system refused the bind).
    /// </summary>
    public const int AddressInUseExitCode = 71;

    /// <summary>
    /// Runs the app until it stops. A setting that fails validation at start-up is logged as one Critical line
    /// per problem, each naming the setting, how to set it and an example, and the process exits with
    /// <see cref="ConfigurationErrorExitCode"/>. If a background service failed, one Critical line names it and
    /// why, and the process exits with <see cref="SoftwareErrorExitCode"/>. An address already in use is one Critical
    /// line naming it, and exit code <see cref="AddressInUseExitCode"/>. A stop on purpose exits with 0.
    /// </summary>
    public static async Task<int> RunApiAsync(this WebApplication app)
    {
        try
        {
            // The same checks the host runs as it starts, run first so a failure is ours to report.
            app.Services.GetRequiredService<IStartupValidator>().Validate();
        }
        catch (Exception ex) when (Failures(ex) is { } failures)
        {
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("AuthActionApi.Startup");
            foreach (var failure in failures)
            {
                Log.InvalidSetting(logger, failure);
            }

            // Flushes the asynchronous log sink before the process ends.
            await app.DisposeAsync();
            return ConfigurationErrorExitCode;
        }

        // RunAsync, taken apart: a faulted background service only stops the host, and RunAsync returns as if
        // all went well. Between the stop and the disposal its task still says what happened.
        try
        {
            await app.StartAsync();
            await app.WaitForShutdownAsync();
            return ReportFailedBackgroundServices(app.Services);
        }
        catch (IOException ex) when (AddressInUse.Is(ex))
        {
            // Kestrel's message names the address: "Failed to bind to address http://127.0.0.1:3000: address already in use."
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("AuthActionApi.Startup");
            Log.AddressInUse(logger, ex.Message, AddressInUseExitCode);
            return AddressInUseExitCode;
        }
        finally
        {
            // Also flushes the asynchronous log sink.
            await app.DisposeAsync();
        }
    }

    private static int ReportFailedBackgroundServices(IServiceProvider services)
    {
        var failed = services.GetServices<IHostedService>()
            .OfType<BackgroundService>()
            .FirstOrDefault(service => service.ExecuteTask is { IsFaulted: true });
        if (failed is null)
        {
            return 0;
        }

        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("AuthActionApi.Hosting");
        var failure = failed.ExecuteTask!.Exception!.InnerException ?? failed.ExecuteTask.Exception;
        Log.BackgroundServiceFailed(logger, failed.GetType().Name, failure.Message, SoftwareErrorExitCode);
        return SoftwareErrorExitCode;
    }

    // With more than one options class failing (AuthAction and LocalTenant), the validator throws them together; an
    // options class built from a failing one (JwtBearer's, from AuthAction's) repeats its failures, said once here.
    private static IEnumerable<string>? Failures(Exception exception) => exception switch
    {
        OptionsValidationException invalid => invalid.Failures,
        AggregateException { InnerExceptions: var all } when all.All(inner => inner is OptionsValidationException)
            => all.Cast<OptionsValidationException>().SelectMany(invalid => invalid.Failures).Distinct(StringComparer.Ordinal),
        _ => null,
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = 9003, Level = LogLevel.Critical,
            Message = "Cannot start: {Failure} Another process listens there: stop it, or listen elsewhere (--urls, ASPNETCORE_URLS). Exit code {ExitCode}")]
        public static partial void AddressInUse(ILogger logger, string failure, int exitCode);

        [LoggerMessage(EventId = 9001, Level = LogLevel.Critical, Message = "Cannot start: {Failure}")]
        public static partial void InvalidSetting(ILogger logger, string failure);

        // No exception attached: the host has already logged it with its stack trace ("BackgroundService failed").
        [LoggerMessage(EventId = 9002, Level = LogLevel.Critical, Message = "Stopped because {Service} failed, exit code {ExitCode}: {Failure}")]
        public static partial void BackgroundServiceFailed(ILogger logger, string service, string failure, int exitCode);
    }
}

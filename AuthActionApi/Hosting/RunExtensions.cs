using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Runs the app, and turns a configuration mistake into one clear line instead of a stack trace.</summary>
public static partial class RunExtensions
{
    /// <summary>Exit code for a configuration error (sysexits.h <c>EX_CONFIG</c>).</summary>
    public const int ConfigurationErrorExitCode = 78;

    /// <summary>
    /// Runs the app until it stops. A setting that fails validation at start-up is logged as one Critical line
    /// per problem, each naming the setting, how to set it and an example, and the process exits with
    /// <see cref="ConfigurationErrorExitCode"/>.
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
            var loggers = app.Services.GetRequiredService<ILoggerFactory>();
            var logger = loggers.CreateLogger("AuthActionApi.Startup");
            foreach (var failure in failures)
            {
                Log.InvalidSetting(logger, failure);
            }

            // Flushes the asynchronous log sink before the process ends.
            loggers.Dispose();
            return ConfigurationErrorExitCode;
        }

        await app.RunAsync();
        return 0;
    }

    // With more than one options class failing (AuthAction and LocalTenant), the validator throws them together.
    private static IEnumerable<string>? Failures(Exception exception) => exception switch
    {
        OptionsValidationException invalid => invalid.Failures,
        AggregateException { InnerExceptions: var all } when all.All(inner => inner is OptionsValidationException)
            => all.Cast<OptionsValidationException>().SelectMany(invalid => invalid.Failures),
        _ => null,
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = 9001, Level = LogLevel.Critical, Message = "Cannot start: {Failure}")]
        public static partial void InvalidSetting(ILogger logger, string failure);
    }
}

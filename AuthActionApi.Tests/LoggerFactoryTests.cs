using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AuthActionApi.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serilog.Events;

namespace AuthActionApi.Tests;

/// <summary>
/// The app's logger factory hands out one logger per category (ASP.NET Core asks for one on every request), and a
/// logger handed out twice still writes through Serilog with its own category and that category's level, as the
/// <c>Serilog</c> section sets it, below Information too.
/// </summary>
public sealed partial class LoggerFactoryTests : ApiFixture
{
    private const string VerboseCategory = "AuthActionApi.Tests.Verbose";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        [$"Serilog:MinimumLevel:Override:{VerboseCategory}"] = "Verbose",
    };

    private ILoggerFactory Loggers => Api.Services.GetRequiredService<ILoggerFactory>();

    [Test]
    public void CreateLogger_SameCategoryTwice_ReturnsTheSameLogger()
    {
        var first = Loggers.CreateLogger("AuthActionApi.Tests.Same");

        var second = Loggers.CreateLogger("AuthActionApi.Tests.Same");

        second.Should().BeSameAs(first);
        Loggers.CreateLogger("AuthActionApi.Tests.Other").Should().NotBeSameAs(first);
    }

    [Test]
    public void CreateLogger_LoggerHandedOutAgain_WritesUnderItsOwnCategory()
    {
        Loggers.CreateLogger("AuthActionApi.Tests.Written");
        var logger = Loggers.CreateLogger("AuthActionApi.Tests.Written");

        Log.Written(logger, 42);

        var written = Api.Logs.From("AuthActionApi.Tests.Written").Should().ContainSingle().Subject;
        written.RenderMessage().Should().Be("Written 42");
    }

    [Test]
    public void CreateLogger_LoggerHandedOutAgain_KeepsItsCategorysLevel()
    {
        // The shipped configuration lowers everything under "Microsoft" to Warning.
        Loggers.CreateLogger("Microsoft.AuthActionApiTests");
        var logger = Loggers.CreateLogger("Microsoft.AuthActionApiTests");

        Log.BelowWarning(logger);
        Log.AtWarning(logger);

        logger.IsEnabled(LogLevel.Information).Should().BeFalse();
        Api.Logs.From("Microsoft.AuthActionApiTests").Select(e => e.RenderMessage()).Should().Equal("At the category's level");
    }

    [Test]
    public void CreateLogger_CategoryLoweredToVerboseInSerilogSection_WritesTraceAndDebugLines()
    {
        var logger = Loggers.CreateLogger(VerboseCategory);

        Log.AtTrace(logger);
        Log.AtDebug(logger);

        logger.IsEnabled(LogLevel.Trace).Should().BeTrue();
        Api.Logs.From(VerboseCategory).Select(e => e.Level).Should().Equal(LogEventLevel.Verbose, LogEventLevel.Debug);
    }

    [Test]
    public async Task Log_LineWrittenWhileServingARequest_CarriesTheTraceAndSpanOnce()
    {
        var response = await Client.GetWithTokenAsync("/protected", "not-a-token");
        var traceId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("traceId").GetString()!;

        var refusal = Api.Logs.WithTraceId(traceId).Should().ContainSingle().Subject;

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        refusal.TraceId.ToString().Should().Be(traceId);
        refusal.SpanId.Should().NotBeNull();
        refusal.Properties.Keys.Should().NotContain(["SpanId", "ParentId"], "Serilog carries the span itself; a copy per line is cost");
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Trace, Message = "At Trace")]
        public static partial void AtTrace(ILogger logger);

        [LoggerMessage(Level = LogLevel.Debug, Message = "At Debug")]
        public static partial void AtDebug(ILogger logger);

        [LoggerMessage(Level = LogLevel.Information, Message = "Written {Number}")]
        public static partial void Written(ILogger logger, int number);

        [LoggerMessage(Level = LogLevel.Information, Message = "Below the category's level")]
        public static partial void BelowWarning(ILogger logger);

        [LoggerMessage(Level = LogLevel.Warning, Message = "At the category's level")]
        public static partial void AtWarning(ILogger logger);
    }
}

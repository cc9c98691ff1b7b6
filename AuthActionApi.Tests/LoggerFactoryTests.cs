using AuthActionApi.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AuthActionApi.Tests;

/// <summary>
/// The app's logger factory hands out one logger per category (ASP.NET Core asks for one on every request), and a
/// logger handed out twice still writes through Serilog with its own category and that category's level.
/// </summary>
public sealed partial class LoggerFactoryTests : ApiFixture
{
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

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Written {Number}")]
        public static partial void Written(ILogger logger, int number);

        [LoggerMessage(Level = LogLevel.Information, Message = "Below the category's level")]
        public static partial void BelowWarning(ILogger logger);

        [LoggerMessage(Level = LogLevel.Warning, Message = "At the category's level")]
        public static partial void AtWarning(ILogger logger);
    }
}

using System.Collections.Concurrent;

namespace AuthActionApi.Logging;

/// <summary>
/// Hands out one logger per category, as Microsoft.Extensions.Logging's own factory does. Serilog's factory builds
/// a new logger on every call (a contextualised Serilog logger, its level-override lookup and an event-id cache),
/// and ASP.NET Core asks for one on every request, because each authentication handler is created per request and
/// names its logger in its constructor.
/// </summary>
internal sealed class CategoryCachingLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    private readonly ConcurrentDictionary<string, ILogger> _loggers = new(StringComparer.Ordinal);

    public ILogger CreateLogger(string categoryName) =>
        _loggers.GetOrAdd(categoryName, static (name, factory) => factory.CreateLogger(name), inner);

    public void AddProvider(ILoggerProvider provider)
    {
        // A provider added later reaches only loggers created after it, so those cached so far are rebuilt.
        inner.AddProvider(provider);
        _loggers.Clear();
    }

    public void Dispose() => inner.Dispose();
}

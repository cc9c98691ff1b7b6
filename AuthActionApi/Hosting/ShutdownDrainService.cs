using Microsoft.Extensions.Options;

namespace AuthActionApi.Hosting;

/// <summary>
/// Holds the stop of the server back by <see cref="ShutdownOptions.DrainDelay"/>. The host calls
/// <see cref="StoppingAsync"/> after <c>ApplicationStopping</c> (which turns <c>/health/ready</c> to 503) and before any
/// hosted service's <c>StopAsync</c>: until it returns, Kestrel keeps accepting and the signing keys keep refreshing,
/// so requests a balancer still sends before its next health check are served. Kestrel then stops accepting and
/// finishes the requests in flight within the rest of the host's shutdown timeout.
/// </summary>
internal sealed partial class ShutdownDrainService(
    IOptions<ShutdownOptions> options,
    IOptions<HostOptions> host,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<ShutdownDrainService> logger) : IHostedLifecycleService, IDisposable
{
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _cutShort = new();
    private readonly List<CancellationTokenRegistration> _stops = [];
    private Task? _drain;
    private bool _disposed;

    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        // The host may be stopped twice at once (RunApiAsync once ApplicationStopping fires, and whoever called
        // StopAsync): one drain, which both wait for, and which ends early as soon as either one's time is up.
        lock (_gate)
        {
            // A WebApplicationFactory stops the host once more after RunApiAsync has disposed it.
            if (_disposed)
            {
                return Task.CompletedTask;
            }

            _stops.Add(cancellationToken.UnsafeRegister(static cutShort => ((CancellationTokenSource)cutShort!).Cancel(), _cutShort));
            return _drain ??= DrainAsync(_cutShort.Token);
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var stop in _stops)
            {
                stop.Dispose();
            }

            _cutShort.Dispose();
            _disposed = true;
        }
    }

    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        var delay = options.Value.DrainDelay;
        // An app that never started served nothing a balancer could still be sending.
        if (!lifetime.ApplicationStarted.IsCancellationRequested)
        {
            return;
        }

        if (delay > TimeSpan.Zero)
        {
            Log.DrainStarted(logger, delay);
            try
            {
                await Task.Delay(delay, time, cancellationToken);
                Log.DrainEnded(logger);
            }
            catch (OperationCanceledException)
            {
                // Never thrown on: the host would report a failed stop, and the process would not exit cleanly.
                Log.DrainCutShort(logger);
                return;
            }
        }

        // The server now waits for every open connection, one whose client sent half a request included, until the
        // host's shutdown timeout closes them: said when that happens, so a stop that took so long is explained.
        lock (_gate)
        {
            if (!_disposed)
            {
                _stops.Add(cancellationToken.UnsafeRegister(
                    static state => ((ShutdownDrainService)state!).ReportTimedOut(), this));
            }
        }
    }

    private void ReportTimedOut() => Log.ShutdownTimedOut(logger, host.Value.ShutdownTimeout);

    private static partial class Log
    {
        [LoggerMessage(EventId = 9101, Level = LogLevel.Information,
            Message = "Stopping: draining for {DrainDelay}; /health/ready answers 503 and requests are still served until the load balancer stops sending them")]
        public static partial void DrainStarted(ILogger logger, TimeSpan drainDelay);

        [LoggerMessage(EventId = 9102, Level = LogLevel.Information,
            Message = "Drain over: the server stops accepting connections and finishes the requests in flight")]
        public static partial void DrainEnded(ILogger logger);

        [LoggerMessage(EventId = 9103, Level = LogLevel.Warning,
            Message = "Drain cut short by the shutdown timeout: the server stops accepting connections and finishes the requests in flight")]
        public static partial void DrainCutShort(ILogger logger);

        [LoggerMessage(EventId = 9104, Level = LogLevel.Warning,
            Message = "Shutdown timeout ({ShutdownTimeout}) reached: the connections still open, each with a request in flight or one its client has not finished sending, are closed")]
        public static partial void ShutdownTimedOut(ILogger logger, TimeSpan shutdownTimeout);
    }
}

using Microsoft.Extensions.Options;

namespace AuthActionApi.Authentication.Keys;

/// <summary>
/// Loads the signing keys as the app starts, so the first request does not wait, then re-reads them every
/// <see cref="JwksOptions.RefreshInterval"/>. After a failure it retries sooner, backing off from
/// <see cref="JwksOptions.RetryDelay"/>, so the API recovers by itself when the tenant answers again. The loop
/// ends only when the app stops: an error it did not expect is logged and retried like a failed fetch, because a
/// faulted background service would stop the whole host.
/// </summary>
internal sealed partial class JwksRefreshService(
    JwksKeySource keys,
    IOptions<AuthActionOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<JwksRefreshService> logger) : BackgroundService
{
    private static readonly TimeSpan s_maximumRetryDelay = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Wait until the server listens: the local tenant serves its JWKS from this very process.
        if (!await WhenStarted(lifetime.ApplicationStarted, stoppingToken))
        {
            return;
        }

        var settings = options.Value.Jwks;
        var retryDelay = settings.RetryDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            bool failed;
            try
            {
                await keys.RefreshAsync(stoppingToken);
                failed = keys.LastFailure is not null;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A failed fetch never throws, nor does a KeysRemoved handler reach here; this is a bug. Keys must keep
                // refreshing, so it is retried like a failed fetch rather than left to fault the service.
                Log.RefreshFailedUnexpectedly(logger, ex, retryDelay);
                failed = true;
            }

            TimeSpan delay;
            if (!failed)
            {
                retryDelay = settings.RetryDelay;
                delay = settings.RefreshInterval;
            }
            else
            {
                var ceiling = settings.RefreshInterval < s_maximumRetryDelay ? settings.RefreshInterval : s_maximumRetryDelay;
                delay = retryDelay < ceiling ? retryDelay : ceiling;
                retryDelay = retryDelay * 2 < ceiling ? retryDelay * 2 : ceiling;
            }

            await Task.Delay(delay, time, stoppingToken);
        }
    }

    private static async Task<bool> WhenStarted(CancellationToken started, CancellationToken stopping)
    {
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = started.Register(() => ready.TrySetResult());
        using var onStopping = stopping.Register(() => ready.TrySetCanceled(stopping));
        try
        {
            await ready.Task;
            return true;
        }
        catch (OperationCanceledException)
        {
            // The host stopped, or never started: nothing to fetch for.
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = AuthenticationEventIds.KeyRefreshFailedUnexpectedly, Level = LogLevel.Error,
            Message = "Refreshing the signing keys failed unexpectedly; retrying in {RetryDelay}")]
        public static partial void RefreshFailedUnexpectedly(ILogger logger, Exception exception, TimeSpan retryDelay);
    }
}

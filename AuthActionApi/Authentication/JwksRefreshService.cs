using Microsoft.Extensions.Options;

namespace AuthActionApi.Authentication;

/// <summary>
/// Loads the signing keys as the app starts, so the first request does not wait, then re-reads them every
/// <see cref="JwksOptions.RefreshInterval"/>. After a failure it retries sooner, backing off from
/// <see cref="JwksOptions.RetryDelay"/>, so the API recovers by itself when the tenant answers again.
/// </summary>
internal sealed class JwksRefreshService(
    JwksKeySource keys,
    IOptions<AuthActionOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime) : BackgroundService
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
            await keys.RefreshAsync(stoppingToken);

            TimeSpan delay;
            if (keys.LastFailure is null)
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
}

namespace AuthActionApi.Tests.Support;

/// <summary>
/// Waiting on a condition instead of a fixed sleep: polls until it holds, and fails with what was awaited once the
/// deadline passes. Every test that waits for something the app does in the background waits through here.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan s_defaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Polls <paramref name="condition"/> every 20 ms until it holds; throws after <paramref name="timeout"/> (default 10 s).</summary>
    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, timeout, TimeSpan.FromMilliseconds(20));

    /// <summary>Polls an asynchronous <paramref name="condition"/> (an HTTP call, say) every 50 ms, as <see cref="UntilAsync(Func{bool}, string, TimeSpan?)"/>.</summary>
    public static Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        UntilAsync(condition, what, timeout, TimeSpan.FromMilliseconds(50));

    private static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout, TimeSpan interval)
    {
        var deadline = DateTime.UtcNow + (timeout ?? s_defaultTimeout);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting until {what}.");
            }

            await Task.Delay(interval);
        }
    }
}

namespace AuthActionApi.Logging;

/// <summary>
/// Marks a response whose refusal (401, 403, 503) was already logged, or deliberately left out by
/// <see cref="LogThrottle"/>, by the code that refused it, so the request log does not write a second line for it.
/// </summary>
internal static class RefusalLog
{
    private static readonly object s_written = new();

    public static void MarkWritten(HttpContext context) => context.Items[s_written] = true;

    public static bool WasWritten(HttpContext context) => context.Items.ContainsKey(s_written);
}

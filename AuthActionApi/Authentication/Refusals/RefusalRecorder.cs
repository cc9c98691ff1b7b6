namespace AuthActionApi.Authentication.Refusals;

/// <summary>
/// What every refusal answered by the AuthAction code (401, 403 <c>insufficient_scope</c>, 503 for keys not yet
/// loaded) does besides answering: it is counted by reason (<see cref="RefusalMetrics"/>), its response is marked so a
/// request log can leave out a second line for it, and it is told whether its own line fits in <see cref="LogThrottle"/>'s
/// budget for that reason.
/// </summary>
internal sealed class RefusalRecorder(LogThrottle throttle, RefusalMetrics metrics)
{
    private static readonly object s_written = new();

    /// <summary>Counts and marks the refusal; true when its line may be written at <paramref name="level"/> now.</summary>
    public bool Record(HttpContext context, string reason, ILogger logger, LogLevel level)
    {
        metrics.Refused(reason);
        context.Items[s_written] = true;
        // The level first: a line that would not be written must not spend the reason's budget.
        return logger.IsEnabled(level) && throttle.ShouldWrite(reason);
    }

    /// <summary>Whether the code that refused this response has logged it, or deliberately left its line out.</summary>
    public static bool WasRecorded(HttpContext context) => context.Items.ContainsKey(s_written);
}

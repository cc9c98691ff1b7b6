using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace AuthActionApi.Authentication.Refusals;

/// <summary>
/// Keeps the log of refusals bounded under a flood. For each reason (a fixed phrase, never a value from a request),
/// the first <see cref="RefusalLogOptions.LinesPerInterval"/> lines of every <see cref="RefusalLogOptions.Interval"/>
/// are written; the rest are counted, and one summary line per reason says how many were left out. A flood of bad
/// tokens then costs a few lines a second, whatever its rate, and an operator still sees that it happened and how big
/// it was.
/// </summary>
internal sealed partial class LogThrottle : IDisposable
{
    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);
    private readonly ILogger<LogThrottle> _logger;
    private readonly ITimer _timer;
    private readonly int _linesPerInterval;
    private readonly TimeSpan _interval;

    public LogThrottle(IOptions<RefusalLogOptions> options, TimeProvider time, ILogger<LogThrottle> logger)
    {
        _logger = logger;
        _linesPerInterval = options.Value.LinesPerInterval;
        _interval = options.Value.Interval;
        _timer = time.CreateTimer(static state => ((LogThrottle)state!).Summarise(), this, _interval, _interval);
    }

    /// <summary>Whether a line for <paramref name="reason"/> may be written now; false counts it as left out.</summary>
    public bool ShouldWrite(string reason) =>
        Interlocked.Increment(ref _counters.GetOrAdd(reason, static _ => new Counter()).Value) <= _linesPerInterval;

    public void Dispose()
    {
        _timer.Dispose();
        Summarise();
    }

    /// <summary>Ends the interval: one line per reason that had lines left out, and every count starts again.</summary>
    private void Summarise()
    {
        foreach (var (reason, counter) in _counters)
        {
            var total = Interlocked.Exchange(ref counter.Value, 0);
            if (total > _linesPerInterval)
            {
                Log.LinesLeftOut(_logger, total - _linesPerInterval, reason, total, _interval.TotalSeconds, _linesPerInterval);
            }
        }
    }

    private sealed class Counter
    {
        public long Value;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = AuthenticationEventIds.RefusalLinesLeftOut, Level = LogLevel.Warning,
            Message = "Left out {LeftOut} log lines for \"{Reason}\": {Total} in the last {IntervalSeconds} s, of which the first {Limit} were written")]
        public static partial void LinesLeftOut(ILogger logger, long leftOut, string reason, long total, double intervalSeconds, int limit);
    }
}

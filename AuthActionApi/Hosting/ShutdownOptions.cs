using System.ComponentModel.DataAnnotations;

namespace AuthActionApi.Hosting;

/// <summary>
/// How the app stops (section <c>Shutdown</c>): after SIGTERM it keeps serving for <see cref="DrainDelay"/> while
/// <c>/health/ready</c> answers 503, so a load balancer takes it out of rotation before it stops accepting.
/// </summary>
public sealed class ShutdownOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Shutdown";

    /// <summary>The drain delay outside Development: a balancer checking every 2 s, 3 checks to mark a server down, and a margin.</summary>
    public static readonly TimeSpan DefaultDrainDelay = TimeSpan.FromSeconds(10);

    /// <summary>
    /// After the drain, how long the requests in flight have before the server closes the connections still open,
    /// unless the host's own <c>shutdownTimeoutSeconds</c> is set. The host's default, 30 seconds, would also be how
    /// long a client that sent half a request holds the stop; this API answers in milliseconds, so 10 seconds is
    /// plenty, and keeps drain and stop well inside a Kubernetes grace period of 45 seconds.
    /// </summary>
    public static readonly TimeSpan InFlightTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long the app keeps accepting requests after it was told to stop, before it stops accepting and finishes
    /// the requests in flight. <c>00:00:00</c> to <c>00:05:00</c>. Default 10 seconds, none in Development, so
    /// Ctrl+C stays instant. Set it to at least the balancer's check interval times its fall count, plus a margin.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan DrainDelay { get; set; } = DefaultDrainDelay;
}

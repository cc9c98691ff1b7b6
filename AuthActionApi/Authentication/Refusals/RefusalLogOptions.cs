using System.ComponentModel.DataAnnotations;

namespace AuthActionApi.Authentication.Refusals;

/// <summary>
/// How many refusal lines are written under a flood (section <c>RefusalLog</c>): per reason, the first
/// <see cref="LinesPerInterval"/> of every <see cref="Interval"/>, then one summary line of what was left out.
/// </summary>
public sealed class RefusalLogOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "RefusalLog";

    /// <summary>Lines written per reason in each interval, 1 to 10,000. Default 5.</summary>
    [Range(1, 10_000)]
    public int LinesPerInterval { get; set; } = 5;

    /// <summary>The length of one interval, 00:00:01 to 01:00:00. Default 10 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(10);
}

using System.Diagnostics;

namespace AuthActionApi.Authentication.Refusals;

/// <summary>
/// The id that ties a refusal's response to its log line. The W3C trace id when this server started the trace, else
/// the server's own request id: a trace id continued from a caller's <c>traceparent</c> header is the caller's choice,
/// and a client could otherwise give its refusals the id of someone else's incident.
/// </summary>
internal static class TraceId
{
    /// <summary>The id to print in the log line and the problem body of a response to <paramref name="context"/>.</summary>
    public static string Of(HttpContext context) =>
        Activity.Current is { HasRemoteParent: false } activity && activity.IdFormat == ActivityIdFormat.W3C
            ? activity.TraceId.ToHexString()
            : context.TraceIdentifier;
}

using System.Diagnostics;

namespace AuthActionApi.Authentication.Refusals;

/// <summary>
/// The id that ties a refusal's response to its log line. The W3C trace id when this server started the trace, else
/// the server's own request id: a trace continued from a caller's <c>traceparent</c> header has the caller's id, and a
/// client could otherwise give its refusals the id of someone else's incident.
/// </summary>
internal static class TraceId
{
    /// <summary>The id to print in the log line and the problem body of a response to <paramref name="context"/>.</summary>
    public static string Of(HttpContext context)
    {
        var activity = Activity.Current;
        if (activity is null || activity.IdFormat != ActivityIdFormat.W3C)
        {
            return context.TraceIdentifier;
        }

        // The request's own activity is the root of those in this process; a parent id there came from the caller.
        var root = activity;
        while (root.Parent is not null)
        {
            root = root.Parent;
        }

        return root.ParentId is null && !root.HasRemoteParent ? activity.TraceId.ToHexString() : context.TraceIdentifier;
    }
}

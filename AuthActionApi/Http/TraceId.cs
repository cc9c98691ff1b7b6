using System.Diagnostics;

namespace AuthActionApi.Http;

/// <summary>The id that ties a response to the server's log lines: the W3C trace id Serilog records, else the request id.</summary>
internal static class TraceId
{
    public static string Of(HttpContext context) =>
        Activity.Current?.TraceId.ToHexString() ?? context.TraceIdentifier;
}

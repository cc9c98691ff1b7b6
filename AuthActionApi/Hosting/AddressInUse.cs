using Microsoft.AspNetCore.Connections;

namespace AuthActionApi.Hosting;

/// <summary>Kestrel's failure to listen on an address another process already holds.</summary>
internal static class AddressInUse
{
    /// <summary>
    /// Whether <paramref name="exception"/> is that failure. The host logs it with its stack trace as it fails to
    /// start; the logging leaves that copy out, since <c>RunApiAsync</c> says it in one line.
    /// </summary>
    public static bool Is(Exception? exception) => exception is IOException { InnerException: AddressInUseException };
}

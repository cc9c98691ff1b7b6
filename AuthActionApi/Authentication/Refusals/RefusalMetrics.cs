using System.Diagnostics.Metrics;

namespace AuthActionApi.Authentication.Refusals;

/// <summary>
/// Counts every refused request by reason: the fixed phrase its 401 carries (<c>The token is expired</c>...),
/// <c>No access token</c>, <c>insufficient_scope</c> for a 403, <c>Signing keys unavailable</c> for a 503. The tag
/// takes only those fixed values, never one from the token, so its cardinality stays a dozen.
/// </summary>
internal sealed class RefusalMetrics(IMeterFactory meterFactory)
{
    public const string MeterName = "AuthActionApi.Authentication";

    private readonly Counter<long> _refused = meterFactory.Create(MeterName).CreateCounter<long>(
        "authaction.tokens.refused", unit: "{request}", description: "Requests refused by authentication or authorization, by reason.");

    public void Refused(string reason) => _refused.Add(1, new KeyValuePair<string, object?>("reason", reason));
}

using System.Text.Json.Serialization;

namespace AuthActionApi.LocalTenant;

/// <summary>
/// A refused token request as RFC 6749 §5.2 answers it: a status and a JSON body of <c>error</c> and
/// <c>error_description</c>. Descriptions are fixed phrases: none repeats a value the client sent.
/// </summary>
internal sealed record TokenError(
    [property: JsonIgnore] int Status,
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("error_description")] string Description)
{
    /// <summary>Whether the client authenticated with HTTP Basic, so a 401 must challenge for Basic (RFC 6749 §5.2).</summary>
    [JsonIgnore]
    public bool ChallengeBasic { get; init; }

    public static TokenError InvalidRequest(string description) => new(StatusCodes.Status400BadRequest, "invalid_request", description);

    public static TokenError InvalidClient(string description, bool basic) =>
        new(StatusCodes.Status401Unauthorized, "invalid_client", description) { ChallengeBasic = basic };
}

using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace AuthActionApi.Authentication.Refusals;

/// <summary>
/// The RFC 9457 body of a refusal, with the <c>traceId</c> its log line prints. Written here rather than through the
/// host's <see cref="IProblemDetailsService"/>: the framework's default writer replaces <c>traceId</c> with the
/// <c>Activity</c> id, which a caller's <c>traceparent</c> header chooses, and which no log line of ours prints.
/// </summary>
internal static class ProblemResponse
{
    private static readonly MediaTypeHeaderValue s_json = new("application/json");
    private static readonly MediaTypeHeaderValue s_problemJson = new("application/problem+json");

    /// <summary>Writes the body for the status code already set on the response, unless the client accepts no JSON.</summary>
    public static Task WriteAsync(HttpContext http, string title, string detail, string traceId, string[]? missingScopes = null)
    {
        if (!AcceptsJson(http.Request))
        {
            // The status and the WWW-Authenticate header say it all; a body the client cannot read says nothing.
            return Task.CompletedTask;
        }

        var problem = new ProblemDetails { Status = http.Response.StatusCode, Title = title, Detail = detail };
        problem.Extensions["traceId"] = traceId;
        if (missingScopes is not null)
        {
            problem.Extensions["missingScopes"] = missingScopes;
        }

        // The framework's problem result fills in the RFC 9110 type for the status; its JSON is written as it stands.
        var result = TypedResults.Problem(problem);
        return TypedResults.Json(result.ProblemDetails, (System.Text.Json.JsonSerializerOptions?)null, result.ContentType, result.StatusCode)
            .ExecuteAsync(http);
    }

    private static bool AcceptsJson(HttpRequest request)
    {
        var accept = request.GetTypedHeaders().Accept;
        if (accept.Count == 0)
        {
            return true;
        }

        foreach (var range in accept)
        {
            if (s_json.IsSubsetOf(range) || s_problemJson.IsSubsetOf(range))
            {
                return true;
            }
        }

        return false;
    }
}

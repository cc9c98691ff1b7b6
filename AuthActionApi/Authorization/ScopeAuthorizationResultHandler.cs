using AuthActionApi.Authentication.Refusals;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Net.Http.Headers;

namespace AuthActionApi.Authorization;

/// <summary>
/// Turns an authorization refusal into a 403 a client can act on. A token lacking a scope gets RFC 6750's
/// <c>WWW-Authenticate: Bearer error="insufficient_scope", scope="..."</c> and a problem body naming the missing
/// scopes; any other refusal gets a plain problem body. Everything else (401 challenges, success) is left to the
/// handler it wraps: the app's own, or the framework's default.
/// </summary>
internal sealed partial class ScopeAuthorizationResultHandler(
    IAuthorizationMiddlewareResultHandler inner,
    ILogger<ScopeAuthorizationResultHandler> logger,
    RefusalRecorder refusals) : IAuthorizationMiddlewareResultHandler
{
    private const string InsufficientScopeReason = "insufficient_scope";

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult) =>
        // Allowed requests, every authorized call, go straight on: no state machine wrapped around the rest of the pipeline.
        authorizeResult.Succeeded ? inner.HandleAsync(next, context, policy, authorizeResult) : HandleRefusalAsync(next, context, policy, authorizeResult);

    private async Task HandleRefusalAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        // The inner handler forbids through the authentication scheme (403, JwtBearer's Forbidden event); the body is ours.
        await inner.HandleAsync(next, context, policy, authorizeResult);
        if (!authorizeResult.Forbidden || context.Response.HasStarted || context.Response.StatusCode != StatusCodes.Status403Forbidden)
        {
            return;
        }

        var failed = authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<ScopeRequirement>().ToArray() ?? [];
        if (failed.Length == 0)
        {
            await ProblemResponse.WriteAsync(context, "Forbidden", "The access token does not permit this request.", TraceId.Of(context));
            return;
        }

        // Only scopes from our own requirements are written: nothing the token carries is echoed back. The header
        // names every scope the endpoint needs (RFC 6750 3.1), the body the ones this token lacks.
        var granted = ScopeClaims.GrantedTo(context.User);
        string[] required = [.. policy.Requirements.OfType<ScopeRequirement>().SelectMany(r => r.Scopes).Distinct(StringComparer.Ordinal)];
        string[] missing = [.. failed.SelectMany(r => r.Scopes).Distinct(StringComparer.Ordinal).Where(s => !granted.Contains(s))];
        var traceId = TraceId.Of(context);
        if (refusals.Record(context, InsufficientScopeReason, logger, LogLevel.Information))
        {
            Log.InsufficientScope(logger, context.Request.Method, context.Request.Path.Value, context.User.FindFirst("sub")?.Value, missing, traceId);
        }

        context.Response.Headers.Append(HeaderNames.WWWAuthenticate, $"Bearer error=\"insufficient_scope\", scope=\"{string.Join(' ', required)}\"");
        var detail = missing.Length == 1
            ? $"This endpoint needs the scope '{missing[0]}', which the access token does not grant."
            : $"This endpoint needs the scopes {string.Join(", ", missing.Select(s => $"'{s}'"))}, which the access token does not grant.";
        await ProblemResponse.WriteAsync(context, "Insufficient scope", detail, traceId, missing);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4001, Level = LogLevel.Information,
            Message = "Refused {RequestMethod} {RequestPath} for {Subject} with 403: the token lacks the scope(s) {MissingScopes} [trace {TraceId}]")]
        public static partial void InsufficientScope(ILogger logger, string requestMethod, string? requestPath, string? subject, string[] missingScopes, string traceId);
    }
}

using AuthActionApi.Http;
using AuthActionApi.Logging;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace AuthActionApi.Authorization;

/// <summary>
/// Turns an authorization refusal into a 403 a client can act on. A token lacking a scope gets RFC 6750's
/// <c>WWW-Authenticate: Bearer error="insufficient_scope", scope="..."</c> and a problem body naming the missing
/// scopes; any other refusal gets a plain problem body. Everything else (401 challenges, success) is the default.
/// </summary>
internal sealed partial class ScopeAuthorizationResultHandler(
    IProblemDetailsService problemDetails,
    ILogger<ScopeAuthorizationResultHandler> logger,
    RefusalLog refusals) : IAuthorizationMiddlewareResultHandler
{
    private const string InsufficientScopeReason = "insufficient_scope";

    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult) =>
        // Allowed requests, every authorized call, go straight on: no state machine wrapped around the rest of the pipeline.
        authorizeResult.Succeeded ? next(context) : HandleRefusalAsync(next, context, policy, authorizeResult);

    private async Task HandleRefusalAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        // The default forbids through the authentication scheme (403, JwtBearer's Forbidden event); the body is ours.
        await _default.HandleAsync(next, context, policy, authorizeResult);
        if (!authorizeResult.Forbidden || context.Response.HasStarted || context.Response.StatusCode != StatusCodes.Status403Forbidden)
        {
            return;
        }

        var failed = authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<ScopeRequirement>().ToArray() ?? [];
        if (failed.Length == 0)
        {
            await WriteProblemAsync(context, "Forbidden", "The access token does not permit this request.", missingScopes: null);
            return;
        }

        // Only scopes from our own requirements are written: nothing the token carries is echoed back. The header
        // names every scope the endpoint needs (RFC 6750 3.1), the body the ones this token lacks.
        var granted = ScopeClaims.GrantedTo(context.User);
        string[] required = [.. policy.Requirements.OfType<ScopeRequirement>().SelectMany(r => r.Scopes).Distinct(StringComparer.Ordinal)];
        string[] missing = [.. failed.SelectMany(r => r.Scopes).Distinct(StringComparer.Ordinal).Where(s => !granted.Contains(s))];
        if (refusals.Record(context, InsufficientScopeReason, logger, LogLevel.Information))
        {
            var traceId = TraceId.Of(context);
            Log.InsufficientScope(logger, context.Request.Method, context.Request.Path.Value, context.User.FindFirst("sub")?.Value, missing, traceId);
        }

        context.Response.Headers.Append(HeaderNames.WWWAuthenticate, $"Bearer error=\"insufficient_scope\", scope=\"{string.Join(' ', required)}\"");
        var detail = missing.Length == 1
            ? $"This endpoint needs the scope '{missing[0]}', which the access token does not grant."
            : $"This endpoint needs the scopes {string.Join(", ", missing.Select(s => $"'{s}'"))}, which the access token does not grant.";
        await WriteProblemAsync(context, "Insufficient scope", detail, missing);
    }

    private async Task WriteProblemAsync(HttpContext context, string title, string detail, string[]? missingScopes)
    {
        var problem = new ProblemDetails { Status = StatusCodes.Status403Forbidden, Title = title, Detail = detail };
        if (missingScopes is not null)
        {
            problem.Extensions["missingScopes"] = missingScopes;
        }

        // TryWrite: a client that accepts no JSON still gets the status and the header, just no body.
        await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4001, Level = LogLevel.Information,
            Message = "Refused {RequestMethod} {RequestPath} for {Subject} with 403: the token lacks the scope(s) {MissingScopes} [trace {TraceId}]")]
        public static partial void InsufficientScope(ILogger logger, string requestMethod, string? requestPath, string? subject, string[] missingScopes, string traceId);
    }
}

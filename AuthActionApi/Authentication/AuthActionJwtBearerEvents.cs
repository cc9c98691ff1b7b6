using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;
using System.Text.RegularExpressions;
using AuthActionApi.Authentication.Caching;
using AuthActionApi.Authentication.Keys;
using AuthActionApi.Authentication.Validation;
using AuthActionApi.Http;
using AuthActionApi.Logging;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.Net.Http.Headers;

namespace AuthActionApi.Authentication;

/// <summary>
/// The JwtBearer events of the AuthAction scheme, and the one place that reads and writes
/// <see cref="ValidatedTokenCache"/>. Each event runs your own delegate first (<c>options.Events.OnMessageReceived</c>,
/// <c>OnTokenValidated</c>, <c>OnChallenge</c>) and obeys what it decided:
/// <list type="bullet">
/// <item><see cref="MessageReceived"/>: after your <c>OnMessageReceived</c> (which may supply <c>context.Token</c> or
/// decide the result), a token the cache holds for this scheme is answered here, before JwtBearer copies it out of
/// the header or parses it, with <see cref="TokenValidated"/>'s delegate raised as a full validation raises it.</item>
/// <item><see cref="TokenValidated"/>: your <c>OnTokenValidated</c>, the place for checks of your own (a revocation
/// list, a tenant allow-list); it runs for every request, cached or not. Once it has accepted the token, the token
/// is cached and its claims payload logged.</item>
/// <item><see cref="Challenge"/>: every refusal becomes an RFC 6750 challenge with a fixed <c>error_description</c>
/// and an RFC 9457 problem body whose <c>traceId</c> matches the one log line that holds the full reason.</item>
/// </list>
/// </summary>
internal sealed partial class AuthActionJwtBearerEvents(
    ILogger<AuthActionJwtBearerEvents> logger,
    ILoggerFactory loggerFactory,
    IProblemDetailsService problemDetails,
    IOptions<AuthActionOptions> options,
    ValidatedTokenCache cache,
    RefusalLog refusals) : JwtBearerEvents
{
    /// <summary>The log category of the validated-claims event: visible by default in Development, quiet in Production.</summary>
    public const string ClaimsLogCategory = "AuthActionApi.TokenClaims";

    private const string BearerPrefix = "Bearer ";
    private const string KeysUnavailableReason = "Signing keys unavailable";

    private readonly ILogger _claimsLogger = loggerFactory.CreateLogger(ClaimsLogCategory);

    public override Task MessageReceived(MessageReceivedContext context)
    {
        // Your OnMessageReceived first, as JwtBearer runs it: it may read the token from elsewhere or decide the result.
        var yours = base.MessageReceived(context);
        return yours.IsCompletedSuccessfully ? AnswerFromCache(context) : AnswerFromCacheAfterAsync(yours, context);
    }

    /// <summary>
    /// What JwtBearer would answer for a token it validated before, without parsing it again: the token your
    /// <c>OnMessageReceived</c> supplied, else the one in the Authorization header, read in place. Anything the cache
    /// does not hold goes on to JwtBearer untouched.
    /// </summary>
    private Task AnswerFromCache(MessageReceivedContext context)
    {
        if (context.Result is not null || !cache.Enabled || !TryGetCached(context, out var hit))
        {
            return Task.CompletedTask;
        }

        var validated = new TokenValidatedContext(context.HttpContext, context.Scheme, context.Options)
        {
            Principal = new ClaimsPrincipal(hit.Identity),
            SecurityToken = hit.Token,
            Properties = hit.Properties,
        };
        var yours = base.TokenValidated(validated);
        if (!yours.IsCompletedSuccessfully)
        {
            return AnswerAfterAsync(yours, context, validated, hit.Token.EncodedToken);
        }

        Answer(context, validated, hit.Token.EncodedToken);
        return Task.CompletedTask;
    }

    private async Task AnswerFromCacheAfterAsync(Task yours, MessageReceivedContext context)
    {
        await yours;
        await AnswerFromCache(context);
    }

    private bool TryGetCached(MessageReceivedContext context, [NotNullWhen(true)] out ValidatedTokenCache.CachedToken? hit)
    {
        hit = null;
        if (!string.IsNullOrEmpty(context.Token))
        {
            return cache.TryGet(context.Scheme.Name, context.Options, context.Token, out hit);
        }

        // JwtBearer's own reading of the header: "Bearer " in any case, then the rest trimmed.
        return context.Request.Headers.Authorization is [{ } authorization]
            && authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase)
            && cache.TryGet(context.Scheme.Name, context.Options, authorization.AsSpan(BearerPrefix.Length).Trim(), out hit);
    }

    private async Task AnswerAfterAsync(Task yours, MessageReceivedContext context, TokenValidatedContext validated, string token)
    {
        await yours;
        Answer(context, validated, token);
    }

    /// <summary>
    /// What JwtBearer does once TokenValidated has run: its result if it set one, else success (saving
    /// <paramref name="token"/>, the cached token's own string, when SaveToken is on).
    /// </summary>
    private void Answer(MessageReceivedContext context, TokenValidatedContext validated, string token)
    {
        // Already cached: only the claims log, by the same rule a full validation follows.
        Accepted(validated, snapshot: null);
        switch (validated.Result)
        {
            case null:
                if (context.Options.SaveToken)
                {
                    validated.Properties.StoreTokens([new AuthenticationToken { Name = "access_token", Value = token }]);
                }

                context.Principal = validated.Principal;
                context.Properties = validated.Properties;
                context.Success();
                break;
            case { Succeeded: true } result:
                context.Principal = result.Principal;
                context.Properties = result.Properties!;
                context.Success();
                break;
            case { Failure: { } failure }:
                context.Fail(failure);
                break;
            default:
                context.NoResult();
                break;
        }
    }

    /// <summary>Raised by JwtBearer after a full validation: your <c>OnTokenValidated</c>, then the cache and the claims log if it accepted.</summary>
    public override Task TokenValidated(TokenValidatedContext context)
    {
        // Taken before your delegate runs: what it adds to this request's principal must not reach the next request.
        var snapshot = cache.Enabled ? cache.Snapshot(context) : null;
        var yours = base.TokenValidated(context);
        if (!yours.IsCompletedSuccessfully)
        {
            return AcceptedAfterAsync(yours, context, snapshot);
        }

        Accepted(context, snapshot);
        return Task.CompletedTask;
    }

    private async Task AcceptedAfterAsync(Task yours, TokenValidatedContext context, ValidatedTokenCache.Entry? snapshot)
    {
        await yours;
        Accepted(context, snapshot);
    }

    /// <summary>Once <c>OnTokenValidated</c> has not refused the token: the snapshot into the cache (if any), the claims into the log.</summary>
    private void Accepted(TokenValidatedContext context, ValidatedTokenCache.Entry? snapshot)
    {
        if (context.Result is { Succeeded: false })
        {
            return;
        }

        if (snapshot is not null)
        {
            cache.Add(context.Scheme.Name, context.Options, snapshot);
        }

        LogClaims(context);
    }

    /// <summary>The claims payload of an accepted token, every claim with its JSON type; never the token or a header.</summary>
    private void LogClaims(TokenValidatedContext context)
    {
        if (_claimsLogger.IsEnabled(LogLevel.Information) && context.SecurityToken is JsonWebToken token)
        {
            var claims = ClaimsPayload.Read(token);
            Log.TokenValidated(_claimsLogger, token.Subject, claims);
        }
    }

    public override async Task Challenge(JwtBearerChallengeContext context)
    {
        // Your OnChallenge first: if it wrote the answer itself, that is the answer.
        await base.Challenge(context);
        if (context.Handled)
        {
            return;
        }

        context.HandleResponse();
        var http = context.HttpContext;
        var failure = context.AuthenticateFailure;

        if (failure is SigningKeysUnavailableException)
        {
            if (refusals.Record(http, KeysUnavailableReason, logger, LogLevel.Warning))
            {
                var traceId = TraceId.Of(http);
                Log.KeysUnavailable(logger, http.Request.Method, http.Request.Path.Value, traceId);
            }

            var retryAfter = Math.Max(1, (int)Math.Ceiling(options.Value.Jwks.RetryDelay.TotalSeconds));
            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            http.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await WriteProblemAsync(http, "Signing keys unavailable",
                "The API has not yet loaded the tenant's signing keys, so it cannot check tokens. Try again shortly.");
            return;
        }

        http.Response.StatusCode = StatusCodes.Status401Unauthorized;
        if (failure is null)
        {
            // RFC 6750 3.1: a request without credentials gets no error code.
            LogRefusal(http, TokenRejection.Missing, failure: null);
            http.Response.Headers.Append(HeaderNames.WWWAuthenticate, "Bearer");
            await WriteProblemAsync(http, "Unauthorized", "This endpoint needs an access token in the header 'Authorization: Bearer <token>'.");
            return;
        }

        var description = TokenRejection.Describe(failure);
        LogRefusal(http, description, failure);
        http.Response.Headers.Append(HeaderNames.WWWAuthenticate, $"Bearer error=\"invalid_token\", error_description=\"{description}\"");
        await WriteProblemAsync(http, "Invalid access token", description + ".");
    }

    /// <summary>
    /// One line per refusal, within the throttle's budget for its reason: the fixed phrase, the failure's type and
    /// IdentityModel's IDX code (never its multi-line text), and for a wrong audience or issuer what this API expects.
    /// </summary>
    private void LogRefusal(HttpContext http, string description, Exception? failure)
    {
        if (!refusals.Record(http, description, logger, LogLevel.Information))
        {
            return;
        }

        // Read only for a line that is written: the problem body reads its own, the same id.
        var traceId = TraceId.Of(http);

        var method = http.Request.Method;
        var path = http.Request.Path.Value;
        if (failure is null)
        {
            Log.TokenMissing(logger, method, path, traceId);
            return;
        }

        var innermost = failure is AggregateException { InnerExceptions: [var first, ..] } ? first : failure;
        var failureType = innermost.GetType().Name;
        var reason = ReasonOf(innermost);
        var settings = options.Value;
        switch (description)
        {
            case TokenRejection.InvalidAudience:
                Log.TokenRejectedAudience(logger, method, path, description, failureType, reason, settings.Audience, traceId);
                break;
            case TokenRejection.InvalidIssuer:
                Log.TokenRejectedIssuer(logger, method, path, description, failureType, reason, settings.ValidIssuers, traceId);
                break;
            default:
                Log.TokenRejected(logger, method, path, description, failureType, reason, traceId);
                break;
        }
    }

    /// <summary>IdentityModel's code (<c>IDX10511</c>) for its own failures, else the first line of the message, which is ours or your OnTokenValidated's.</summary>
    private static string ReasonOf(Exception failure)
    {
        var message = failure.Message;
        if (IdxCode().Match(message) is { Success: true } code)
        {
            return code.Value;
        }

        var end = message.AsSpan().IndexOfAny('\r', '\n');
        return end < 0 ? message : message[..end];
    }

    private async Task WriteProblemAsync(HttpContext http, string title, string detail) =>
        await problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails { Status = http.Response.StatusCode, Title = title, Detail = detail },
        });

    [GeneratedRegex(@"^IDX\d{5}\b", RegexOptions.CultureInvariant)]
    private static partial Regex IdxCode();

    private static partial class Log
    {
        [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Validated access token for {Subject}: {@Claims}")]
        public static partial void TokenValidated(ILogger logger, string? subject, IReadOnlyDictionary<string, object?> claims);

        [LoggerMessage(EventId = 2002, Level = LogLevel.Information,
            Message = "Refused an access token for {RequestMethod} {RequestPath}: {Description} ({FailureType}: {Reason}) [trace {TraceId}]")]
        public static partial void TokenRejected(ILogger logger, string requestMethod, string? requestPath, string description, string failureType, string reason, string traceId);

        [LoggerMessage(EventId = 2002, Level = LogLevel.Information,
            Message = "Refused an access token for {RequestMethod} {RequestPath}: {Description} ({FailureType}: {Reason}); this API's audience is {ExpectedAudience} [trace {TraceId}]")]
        public static partial void TokenRejectedAudience(ILogger logger, string requestMethod, string? requestPath, string description, string failureType, string reason, string? expectedAudience, string traceId);

        [LoggerMessage(EventId = 2002, Level = LogLevel.Information,
            Message = "Refused an access token for {RequestMethod} {RequestPath}: {Description} ({FailureType}: {Reason}); this API trusts the issuers {ExpectedIssuers} [trace {TraceId}]")]
        public static partial void TokenRejectedIssuer(ILogger logger, string requestMethod, string? requestPath, string description, string failureType, string reason, IReadOnlyList<string> expectedIssuers, string traceId);

        [LoggerMessage(EventId = 2004, Level = LogLevel.Information,
            Message = "Refused {RequestMethod} {RequestPath}: no access token in the Authorization header [trace {TraceId}]")]
        public static partial void TokenMissing(ILogger logger, string requestMethod, string? requestPath, string traceId);

        [LoggerMessage(EventId = 2003, Level = LogLevel.Warning,
            Message = "Answered {RequestMethod} {RequestPath} with 503: no signing key has been loaded from the tenant yet [trace {TraceId}]")]
        public static partial void KeysUnavailable(ILogger logger, string requestMethod, string? requestPath, string traceId);
    }
}

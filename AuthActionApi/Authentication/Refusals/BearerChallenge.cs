using System.Globalization;
using System.Text.RegularExpressions;
using AuthActionApi.Authentication.Keys;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace AuthActionApi.Authentication.Refusals;

/// <summary>
/// The answer to a request the AuthAction scheme refused, once your own <c>OnChallenge</c> has not written one: an
/// RFC 6750 challenge whose <c>error_description</c> is a fixed phrase (<see cref="RefusalReason"/>), an RFC 9457
/// problem body, and one log line holding the full reason under the same trace id. With no signing key loaded yet the
/// answer is 503 with <c>Retry-After</c>, since no token could have been checked.
/// </summary>
internal sealed partial class BearerChallenge(ILogger<BearerChallenge> logger, IOptions<AuthActionOptions> options, RefusalRecorder refusals)
{
    private const string KeysUnavailableReason = "Signing keys unavailable";

    public async Task WriteAsync(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var http = context.HttpContext;
        var failure = context.AuthenticateFailure;
        var traceId = TraceId.Of(http);

        if (failure is SigningKeysUnavailableException)
        {
            if (refusals.Record(http, KeysUnavailableReason, logger, LogLevel.Warning))
            {
                Log.KeysUnavailable(logger, http.Request.Method, http.Request.Path.Value, traceId);
            }

            var retryAfter = Math.Max(1, (int)Math.Ceiling(options.Value.Jwks.RetryDelay.TotalSeconds));
            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            await ProblemResponse.WriteAsync(http, "Signing keys unavailable",
                "The API has not yet loaded the tenant's signing keys, so it cannot check tokens. Try again shortly.", traceId);
            return;
        }

        http.Response.StatusCode = StatusCodes.Status401Unauthorized;
        if (failure is null)
        {
            // RFC 6750 3.1: a request without credentials gets no error code.
            if (refusals.Record(http, RefusalReason.Missing, logger, LogLevel.Information))
            {
                Log.TokenMissing(logger, http.Request.Method, http.Request.Path.Value, traceId);
            }

            http.Response.Headers.Append(HeaderNames.WWWAuthenticate, "Bearer");
            await ProblemResponse.WriteAsync(http, "Unauthorized", "This endpoint needs an access token in the header 'Authorization: Bearer <token>'.", traceId);
            return;
        }

        var description = RefusalReason.Describe(failure);
        if (refusals.Record(http, description, logger, LogLevel.Information))
        {
            LogRefusal(http, description, failure, traceId);
        }

        http.Response.Headers.Append(HeaderNames.WWWAuthenticate, $"Bearer error=\"invalid_token\", error_description=\"{description}\"");
        await ProblemResponse.WriteAsync(http, "Invalid access token", description + ".", traceId);
    }

    /// <summary>
    /// The fixed phrase, the failure's type and IdentityModel's IDX code (never its multi-line text), and for a wrong
    /// audience or issuer what this API expects.
    /// </summary>
    private void LogRefusal(HttpContext http, string description, Exception failure, string traceId)
    {
        var method = http.Request.Method;
        var path = http.Request.Path.Value;
        var innermost = failure is AggregateException { InnerExceptions: [var first, ..] } ? first : failure;
        var failureType = innermost.GetType().Name;
        var reason = ReasonOf(innermost);
        var settings = options.Value;
        switch (description)
        {
            case RefusalReason.InvalidAudience:
                Log.TokenRefusedAudience(logger, method, path, description, failureType, reason, settings.Audience, traceId);
                break;
            case RefusalReason.InvalidIssuer:
                Log.TokenRefusedIssuer(logger, method, path, description, failureType, reason, settings.ValidIssuers, traceId);
                break;
            default:
                Log.TokenRefused(logger, method, path, description, failureType, reason, traceId);
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

    [GeneratedRegex(@"^IDX\d{5}\b", RegexOptions.CultureInvariant)]
    private static partial Regex IdxCode();

    private static partial class Log
    {
        [LoggerMessage(EventId = AuthenticationEventIds.TokenRefused, Level = LogLevel.Information,
            Message = "Refused an access token for {RequestMethod} {RequestPath}: {Description} ({FailureType}: {Reason}) [trace {TraceId}]")]
        public static partial void TokenRefused(ILogger logger, string requestMethod, string? requestPath, string description, string failureType, string reason, string traceId);

        [LoggerMessage(EventId = AuthenticationEventIds.TokenRefused, Level = LogLevel.Information,
            Message = "Refused an access token for {RequestMethod} {RequestPath}: {Description} ({FailureType}: {Reason}); this API's audience is {ExpectedAudience} [trace {TraceId}]")]
        public static partial void TokenRefusedAudience(ILogger logger, string requestMethod, string? requestPath, string description, string failureType, string reason, string? expectedAudience, string traceId);

        [LoggerMessage(EventId = AuthenticationEventIds.TokenRefused, Level = LogLevel.Information,
            Message = "Refused an access token for {RequestMethod} {RequestPath}: {Description} ({FailureType}: {Reason}); this API trusts the issuers {ExpectedIssuers} [trace {TraceId}]")]
        public static partial void TokenRefusedIssuer(ILogger logger, string requestMethod, string? requestPath, string description, string failureType, string reason, IReadOnlyList<string> expectedIssuers, string traceId);

        [LoggerMessage(EventId = AuthenticationEventIds.KeysUnavailable, Level = LogLevel.Warning,
            Message = "Answered {RequestMethod} {RequestPath} with 503: no signing key has been loaded from the tenant yet [trace {TraceId}]")]
        public static partial void KeysUnavailable(ILogger logger, string requestMethod, string? requestPath, string traceId);

        [LoggerMessage(EventId = AuthenticationEventIds.TokenMissing, Level = LogLevel.Information,
            Message = "Refused {RequestMethod} {RequestPath}: no access token in the Authorization header [trace {TraceId}]")]
        public static partial void TokenMissing(ILogger logger, string requestMethod, string? requestPath, string traceId);
    }
}

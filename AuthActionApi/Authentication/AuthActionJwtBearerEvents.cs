using System.Security.Claims;
using AuthActionApi.Authorization;
using AuthActionApi.Http;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.Net.Http.Headers;

namespace AuthActionApi.Authentication;

/// <summary>
/// Answers a token the cache already validated before JwtBearer parses it, logs the claims of every validated
/// token, and turns every refusal into an RFC 6750 challenge with a fixed <c>error_description</c> and an
/// RFC 9457 problem body whose <c>traceId</c> matches the log line that holds the full reason.
/// </summary>
internal sealed partial class AuthActionJwtBearerEvents(
    ILogger<AuthActionJwtBearerEvents> logger,
    ILoggerFactory loggerFactory,
    IProblemDetailsService problemDetails,
    IOptions<AuthActionOptions> options,
    ValidatedTokenCache cache) : JwtBearerEvents
{
    /// <summary>The log category of the validated-claims event: visible by default in Development, quiet in Production.</summary>
    public const string ClaimsLogCategory = "AuthActionApi.TokenClaims";

    private const string BearerPrefix = "Bearer ";

    private readonly ILogger _claimsLogger = loggerFactory.CreateLogger(ClaimsLogCategory);

    /// <summary>
    /// A token found in <see cref="ValidatedTokenCache"/> is answered here, before JwtBearer copies it out of the
    /// header, clones its validation parameters or parses it. Everything after validation still happens as
    /// JwtBearer does it: the same properties, <see cref="TokenValidated"/> raised with a principal of the request's
    /// own, and its outcome obeyed. Any other request, cached token or not, goes on to JwtBearer untouched.
    /// </summary>
    public override Task MessageReceived(MessageReceivedContext context)
    {
        if (!cache.Enabled
            || context.Request.Headers.Authorization is not [{ } authorization]
            || !authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase)
            || !cache.TryGet(authorization.AsSpan(BearerPrefix.Length).Trim(), out var hit))
        {
            return Task.CompletedTask;
        }

        var validated = new TokenValidatedContext(context.HttpContext, context.Scheme, context.Options)
        {
            Principal = new ClaimsPrincipal(hit.Identity),
            SecurityToken = hit.Token,
            Properties = hit.Properties,
        };
        var raised = TokenValidated(validated);
        if (!raised.IsCompletedSuccessfully)
        {
            return AnswerAfterAsync(raised, context, validated, hit.Token.EncodedToken);
        }

        Answer(context, validated, hit.Token.EncodedToken);
        return Task.CompletedTask;
    }

    private static async Task AnswerAfterAsync(Task raised, MessageReceivedContext context, TokenValidatedContext validated, string token)
    {
        await raised;
        Answer(context, validated, token);
    }

    /// <summary>
    /// What JwtBearer does once TokenValidated has run: its result if it set one, else success (saving
    /// <paramref name="token"/>, the cached token's own string, when SaveToken is on).
    /// </summary>
    private static void Answer(MessageReceivedContext context, TokenValidatedContext validated, string token)
    {
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

    public override Task TokenValidated(TokenValidatedContext context)
    {
        // Never the raw token nor the Authorization header: only the validated claims, as structured data.
        if (_claimsLogger.IsEnabled(LogLevel.Information) && context.SecurityToken is JsonWebToken token)
        {
            string[] audience = [.. token.Audiences];
            // The string and the JSON-array form alike, read the way the scope policy reads them.
            string[] scopes = [.. ScopeClaims.GrantedTo(context.Principal!)];
            var client = token.TryGetPayloadValue<string>("client_id", out var clientId) ? clientId
                : token.TryGetPayloadValue<string>("azp", out var azp) ? azp : null;
            Log.TokenValidated(_claimsLogger, token.Subject, audience, scopes, token.Issuer, token.ValidTo, client);
        }

        // Then OnTokenValidated, where checks of your own go (a revocation list, a tenant allow-list): it runs for
        // a cached token too, and a Fail there refuses the request either way.
        return base.TokenValidated(context);
    }

    public override async Task Challenge(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var http = context.HttpContext;
        var traceId = TraceId.Of(http);
        var failure = context.AuthenticateFailure;

        if (failure is SigningKeysUnavailableException)
        {
            Log.KeysUnavailable(logger, traceId);
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
            http.Response.Headers.Append(HeaderNames.WWWAuthenticate, "Bearer");
            await WriteProblemAsync(http, "Unauthorized", "This endpoint needs an access token in the header 'Authorization: Bearer <token>'.");
            return;
        }

        var description = TokenRejection.Describe(failure);
        var failureType = failure.GetType().Name;
        Log.TokenRejected(logger, description, failureType, failure.Message, traceId);
        http.Response.Headers.Append(HeaderNames.WWWAuthenticate, $"Bearer error=\"invalid_token\", error_description=\"{description}\"");
        await WriteProblemAsync(http, "Invalid access token", description + ".");
    }

    private async Task WriteProblemAsync(HttpContext http, string title, string detail) =>
        await problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails { Status = http.Response.StatusCode, Title = title, Detail = detail },
        });

    private static partial class Log
    {
        [LoggerMessage(EventId = 2001, Level = LogLevel.Information,
            Message = "Validated access token for {Subject}: audience {Audience}, scopes {Scopes}, issuer {Issuer}, expires {ExpiresAt:O}, client {ClientId}")]
        public static partial void TokenValidated(ILogger logger, string? subject, string[] audience, string[] scopes, string? issuer, DateTime expiresAt, string? clientId);

        [LoggerMessage(EventId = 2002, Level = LogLevel.Information,
            Message = "Refused an access token: {Description} ({FailureType}: {FailureMessage}) [trace {TraceId}]")]
        public static partial void TokenRejected(ILogger logger, string description, string failureType, string failureMessage, string traceId);

        [LoggerMessage(EventId = 2003, Level = LogLevel.Warning,
            Message = "Answered 503: no signing key has been loaded from the tenant yet [trace {TraceId}]")]
        public static partial void KeysUnavailable(ILogger logger, string traceId);
    }
}

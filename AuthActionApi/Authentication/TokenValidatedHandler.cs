using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AuthActionApi.Authentication;

/// <summary>
/// The counterpart of the NestJS example's <c>JwtStrategy.validate(payload)</c>: JwtBearer's <c>OnTokenValidated</c>,
/// run for every request whose token passed AuthAction's checks, cached or not. It logs the token's whole claims
/// payload (category <c>AuthActionApi.Authentication.TokenValidatedHandler</c>, at Information: on in Development,
/// off by default elsewhere). Checks of your own go before the log line: <c>context.Fail("reason")</c> refuses the
/// token with a 401, and a refused token is neither logged as validated nor cached.
/// </summary>
public sealed partial class TokenValidatedHandler
{
    /// <summary>Wire it as <c>options.Events.OnTokenValidated = TokenValidatedHandler.OnTokenValidated</c>.</summary>
    public static Task OnTokenValidated(TokenValidatedContext context)
    {
        // Your own checks here, for example a revoked client:
        // if (context.Principal?.FindFirst("sub")?.Value == "blocked-client@clients") { context.Fail("This client is blocked."); return Task.CompletedTask; }

        var logger = context.HttpContext.RequestServices.GetRequiredService<ILogger<TokenValidatedHandler>>();
        if (logger.IsEnabled(LogLevel.Information) && context.SecurityToken is JsonWebToken token)
        {
            var claims = ClaimsPayload.Read(token);
            Log.TokenValidated(logger, token.Subject, claims);
        }

        return Task.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = AuthenticationEventIds.TokenValidated, Level = LogLevel.Information, Message = "Validated access token for {Subject}: {@Claims}")]
        public static partial void TokenValidated(ILogger logger, string? subject, IReadOnlyDictionary<string, object?> claims);
    }
}

using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace AuthActionApi.Authentication;

/// <summary>
/// Stops start-up when code of yours replaced the AuthAction scheme's events object or set <c>EventsType</c>: either
/// would silently drop the token cache's bookkeeping, the claims log and the fixed-phrase refusals. Set the
/// delegates on <c>options.Events</c> instead; they run first in every event.
/// </summary>
internal sealed class AuthActionJwtBearerOptionsValidator : IValidateOptions<JwtBearerOptions>
{
    public ValidateOptionsResult Validate(string? name, JwtBearerOptions options)
    {
        if (name != JwtBearerDefaults.AuthenticationScheme || (options.Events is AuthActionJwtBearerEvents && options.EventsType is null))
        {
            return ValidateOptionsResult.Skip;
        }

        return ValidateOptionsResult.Fail(
            $"JwtBearerOptions.Events of the '{name}' scheme was replaced or EventsType was set: set your delegates on the "
            + "existing object instead (options.Events.OnTokenValidated = ..., likewise OnMessageReceived, OnChallenge), "
            + "so the token cache, the claims log and the refusal answers keep working.");
    }
}

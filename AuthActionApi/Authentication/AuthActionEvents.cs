using AuthActionApi.Authentication.Caching;
using AuthActionApi.Authentication.Refusals;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace AuthActionApi.Authentication;

/// <summary>
/// The two things the AuthAction scheme adds to whichever JwtBearer events you set (<c>options.Events = new
/// JwtBearerEvents { ... }</c>, single delegates, or <c>EventsType</c>): after your <c>OnTokenValidated</c> has accepted
/// a token, the token enters the cache; after your <c>OnChallenge</c> has left a refusal unhandled,
/// <see cref="BearerChallenge"/> answers it. Every event of yours still runs, on every request, cached token or not.
/// </summary>
internal static class AuthActionEvents
{
    /// <summary>Runs last in the scheme's post-configuration, so it wraps the events as you left them.</summary>
    public static void Chain(JwtBearerOptions options, ValidatedTokenCache cache)
    {
        var events = options.Events ?? new JwtBearerEvents();
        var eventsType = options.EventsType;
        // JwtBearer would resolve EventsType per request and ignore Events; resolved the same way here instead.
        options.EventsType = null;
        JwtBearerEvents Yours(BaseContext<JwtBearerOptions> context) =>
            eventsType is null ? events : (JwtBearerEvents)context.HttpContext.RequestServices.GetRequiredService(eventsType);

        options.Events = new JwtBearerEvents
        {
            OnMessageReceived = context => Yours(context).MessageReceived(context),
            OnAuthenticationFailed = context => Yours(context).AuthenticationFailed(context),
            OnForbidden = context => Yours(context).Forbidden(context),
            OnTokenValidated = async context =>
            {
                await Yours(context).TokenValidated(context);
                if (context.Result is null or { Succeeded: true })
                {
                    cache.Accept(context.SecurityToken);
                }
            },
            OnChallenge = async context =>
            {
                await Yours(context).Challenge(context);
                if (!context.Handled)
                {
                    // Resolved when a refusal is answered, not when the options are built: its settings are checked at start-up first.
                    await context.HttpContext.RequestServices.GetRequiredService<BearerChallenge>().WriteAsync(context);
                }
            },
        };
    }
}

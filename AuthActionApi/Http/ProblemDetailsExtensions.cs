using AuthActionApi.Authentication.Refusals;

namespace AuthActionApi.Http;

/// <summary>RFC 9457 problem details for every error this API answers, each with the trace id of its log lines.</summary>
public static class ProblemDetailsExtensions
{
    /// <summary>
    /// Adds problem details whose <c>traceId</c> matches the <c>TraceId</c> of the server's log lines. Set, not added:
    /// the framework's writer has already put the <c>Activity</c> id there, which a caller's <c>traceparent</c> chooses.
    /// </summary>
    public static WebApplicationBuilder AddApiProblemDetails(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
            context.ProblemDetails.Extensions["traceId"] = TraceId.Of(context.HttpContext));
        return builder;
    }
}

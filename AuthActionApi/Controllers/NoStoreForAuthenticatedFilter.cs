using Microsoft.AspNetCore.Mvc.Filters;

namespace AuthActionApi.Controllers;

/// <summary>
/// Marks every answer to an authenticated request <c>Cache-Control: no-store</c>. Such an answer is for its caller
/// alone; HTTP lets a browser's cache keep it, and a shared cache too when it says it is public (RFC 9111 §3.5), and
/// the OAuth 2.0 Security BCP asks resource servers to forbid that.
/// </summary>
internal sealed class NoStoreForAuthenticatedFilter : IAlwaysRunResultFilter
{
    public void OnResultExecuting(ResultExecutingContext context)
    {
        if (context.HttpContext.User.Identity?.IsAuthenticated == true)
        {
            context.HttpContext.Response.Headers.CacheControl = "no-store";
        }
    }

    public void OnResultExecuted(ResultExecutedContext context)
    {
    }
}

using AuthActionApi.Authorization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace AuthActionApi.Controllers;

/// <summary>The API itself: one route for anyone, one for any valid AuthAction access token, one for a token with a scope.</summary>
/// <remarks>
/// Actions declare only their own answers. The 401, 403 and 503 of a guarded action are written by authentication
/// and authorization before it runs, and the OpenAPI filters document them on every such action.
/// </remarks>
[ApiController]
[Produces("application/json")]
public sealed class AppController : ControllerBase
{
    private static readonly MessageResponse s_public = new("This is a public message!");
    private static readonly MessageResponse s_protected = new("This is a protected message!");
    private static readonly MessageResponse s_scoped = new("This is a scoped message!");

    /// <summary>Answers anyone.</summary>
    [HttpGet("/public")]
    [AllowAnonymous]
    [ProducesResponseType<MessageResponse>(StatusCodes.Status200OK)]
    public ActionResult<MessageResponse> GetPublic() => s_public;

    /// <summary>Answers only a request with a valid AuthAction access token in the Authorization header.</summary>
    [HttpGet("/protected")]
    [Authorize]
    [ProducesResponseType<MessageResponse>(StatusCodes.Status200OK)]
    public ActionResult<MessageResponse> GetProtected() => s_protected;

    /// <summary>Answers only a valid AuthAction access token that grants the scope read:messages.</summary>
    [HttpGet("/protected/scoped")]
    [RequireScope(Scopes.ReadMessages)]
    [ProducesResponseType<MessageResponse>(StatusCodes.Status200OK)]
    public ActionResult<MessageResponse> GetScoped() => s_scoped;
}

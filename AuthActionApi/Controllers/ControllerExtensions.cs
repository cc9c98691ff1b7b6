namespace AuthActionApi.Controllers;

/// <summary>Wires the API's controllers into the app.</summary>
public static class ControllerExtensions
{
    /// <summary>
    /// Adds MVC controllers (<c>AppController</c> and any of your own) with their API conventions; every answer to
    /// an authenticated request carries <c>Cache-Control: no-store</c>.
    /// </summary>
    public static WebApplicationBuilder AddApiControllers(this WebApplicationBuilder builder)
    {
        builder.Services.AddControllers(mvc => mvc.Filters.Add<NoStoreForAuthenticatedFilter>());
        return builder;
    }
}

namespace AuthActionApi.Controllers;

/// <summary>Wires the API's controllers into the app.</summary>
public static class ControllerExtensions
{
    /// <summary>
    /// Adds MVC controllers (<c>AppController</c> and any of your own) with their API conventions; every answer to
    /// an authenticated request carries <c>Cache-Control: no-store</c>. Controllers are found among this assembly's
    /// public types, as MVC finds them, without loading the rest (<see cref="PublicTypesPart"/>).
    /// </summary>
    public static WebApplicationBuilder AddApiControllers(this WebApplicationBuilder builder)
    {
        builder.Services.AddControllers(mvc => mvc.Filters.Add(new NoStoreForAuthenticatedFilter()))
            .ConfigureApplicationPartManager(PublicTypesPart.ReplaceAssemblyParts);
        return builder;
    }
}

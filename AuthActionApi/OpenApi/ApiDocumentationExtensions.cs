namespace AuthActionApi.OpenApi;

/// <summary>Swagger UI and the OpenAPI document, served in Development only.</summary>
public static class ApiDocumentationExtensions
{
    /// <summary>
    /// In Development, describes the API as OpenAPI with an HTTP <c>bearer</c> scheme and a lock on the operations
    /// that need a token. In any other environment it registers nothing.
    /// </summary>
    public static WebApplicationBuilder AddApiDocumentation(this WebApplicationBuilder builder)
    {
        if (!IsServed(builder.Environment))
        {
            return builder;
        }

        builder.Services.AddSwaggerGen();
        builder.Services.ConfigureOptions<ConfigureApiDocument>();
        builder.Services.ConfigureOptions<ConfigureApiDocumentUi>();
        return builder;
    }

    /// <summary>In Development, serves Swagger UI at <c>/swagger</c> and the document at <c>/swagger/v1/swagger.json</c>.</summary>
    public static WebApplication UseApiDocumentation(this WebApplication app)
    {
        if (!IsServed(app.Environment))
        {
            return app;
        }

        app.UseSwagger();
        app.UseSwaggerUI();
        return app;
    }

    // The document maps every route and Swagger UI is a way to send requests with a token; a production API
    // publishes neither unless someone decides to, so this is the one place to change that decision.
    private static bool IsServed(IHostEnvironment environment) => environment.IsDevelopment();
}
